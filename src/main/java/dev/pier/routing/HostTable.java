package dev.pier.routing;

import java.util.Comparator;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Host names (lower case) to their routes, longest prefix first, looked up by a region of a request's host without
 * regard to ASCII case and without allocating: an open-addressing table whose hash folds case as it reads. The
 * hash reads a name from its end, so that one pass from the end of a host gives the hash of each of its suffixes
 * (see {@link #step}). Immutable.
 */
final class HostTable {

    private static final Route[][] NO_ROUTES = new Route[0][];

    private final String[] keys;
    private final Route[][] values;
    private final int mask;

    /** @param routes by lower-case host name */
    HostTable(Map<String, List<Route>> routes) {
        int capacity = Integer.highestOneBit(Math.max(1, routes.size() * 2 - 1)) << 1;
        this.keys = new String[routes.isEmpty() ? 0 : capacity];
        this.values = routes.isEmpty() ? NO_ROUTES : new Route[capacity][];
        this.mask = capacity - 1;
        routes.forEach((host, list) -> {
            int slot = spread(hash(host, 0, host.length())) & mask;
            while (keys[slot] != null) {
                slot = (slot + 1) & mask;
            }
            keys[slot] = host;
            values[slot] = list.stream().sorted(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed())
                    .toArray(Route[]::new);
        });
    }

    boolean isEmpty() {
        return keys.length == 0;
    }

    /**
     * The routes of the host {@code text[from, to)}, longest prefix first, or null when it has none.
     *
     * @param hash {@link #hash} of that region
     */
    Route @Nullable [] get(String text, int from, int to, int hash) {
        if (keys.length == 0) {
            return null;
        }
        int length = to - from;
        for (int slot = spread(hash) & mask; ; slot = (slot + 1) & mask) {
            String key = keys[slot];
            if (key == null) {
                return null;
            }
            if (key.length() == length && equalsIgnoringCase(key, text, from)) {
                return values[slot];
            }
        }
    }

    private static boolean equalsIgnoringCase(String lower, String text, int from) {
        for (int i = 0; i < lower.length(); i++) {
            if (lower.charAt(i) != lowerAscii(text.charAt(from + i))) {
                return false;
            }
        }
        return true;
    }

    /** The hash of {@code text[from, to)}, read from its end, without regard to ASCII case. */
    static int hash(String text, int from, int to) {
        int h = 0;
        for (int i = to - 1; i >= from; i--) {
            h = step(h, text.charAt(i));
        }
        return h;
    }

    /** The hash of {@code c} followed by the region of hash {@code h}. */
    static int step(int h, char c) {
        return 31 * h + lowerAscii(c);
    }

    /** Spreads the high bits into the low ones that the mask keeps. */
    private static int spread(int h) {
        return h ^ (h >>> 16);
    }

    private static char lowerAscii(char c) {
        return c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
}
