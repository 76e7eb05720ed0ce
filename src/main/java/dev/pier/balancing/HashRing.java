package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.Arrays;
import java.util.List;

/**
 * A consistent-hash ring over a list of backends: {@value #POINTS_PER_WEIGHT} virtual nodes per unit of weight,
 * placed by the hash of the backend's URL and the node's number, so that a backend's points are the same on
 * every ring it belongs to. Immutable.
 */
final class HashRing {

    static final HashRing EMPTY = new HashRing(List.of(), new long[0], new Backend[0]);
    /** Enough points that each backend's share of the keys stays within a few percent of its weight's. */
    static final int POINTS_PER_WEIGHT = 160;

    /** The list this ring was built for; compared by identity. */
    final List<Backend> backends;
    private final long[] points;
    private final Backend[] owners;

    private HashRing(List<Backend> backends, long[] points, Backend[] owners) {
        this.backends = backends;
        this.points = points;
        this.owners = owners;
    }

    static HashRing of(List<Backend> backends) {
        int total = 0;
        for (Backend backend : backends) {
            total = Math.addExact(total, Math.multiplyExact(POINTS_PER_WEIGHT, backend.weight()));
        }
        long[][] pairs = new long[total][];
        int n = 0;
        for (int b = 0; b < backends.size(); b++) {
            Backend backend = backends.get(b);
            for (int i = 0; i < POINTS_PER_WEIGHT * backend.weight(); i++) {
                pairs[n++] = new long[] {hash(backend.url() + "#" + i), b};
            }
        }
        // Ties (improbable) are ordered by configured position, so every ring orders them alike.
        Arrays.sort(pairs, (x, y) -> x[0] != y[0] ? Long.compare(x[0], y[0]) : Long.compare(x[1], y[1]));
        long[] points = new long[total];
        Backend[] owners = new Backend[total];
        for (int i = 0; i < total; i++) {
            points[i] = pairs[i][0];
            owners[i] = backends.get((int) pairs[i][1]);
        }
        return new HashRing(backends, points, owners);
    }

    /** The owner of the first point at or after {@code hash}, wrapping around; the ring must not be empty. */
    Backend owner(long hash) {
        int index = Arrays.binarySearch(points, hash);
        if (index < 0) {
            index = -index - 1;
        }
        return owners[index == points.length ? 0 : index];
    }

    /** 64-bit FNV-1a over the characters, then MurmurHash3's finalizer to spread the bits. Allocates nothing. */
    static long hash(CharSequence text) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            h = (h ^ (c & 0xff)) * 0x100000001b3L;
            h = (h ^ (c >>> 8)) * 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        h *= 0xc4ceb9fe1a85ec53L;
        h ^= h >>> 33;
        return h;
    }
}
