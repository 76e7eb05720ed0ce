package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;

/**
 * One period of smooth weighted round robin over a list of backends (nginx's algorithm), computed once per
 * eligible list so that choosing is an array read. With equal weights it is the list's order. Immutable.
 */
final class SmoothSchedule {

    static final SmoothSchedule EMPTY = new SmoothSchedule(List.of(), new int[0]);

    /** The list this schedule was computed for; compared by identity. */
    final List<Backend> backends;
    /** Indexes into {@link #backends}, one period long (the sum of the weights over their common divisor). */
    final int[] order;

    private SmoothSchedule(List<Backend> backends, int[] order) {
        this.backends = backends;
        this.order = order;
    }

    static SmoothSchedule of(List<Backend> backends) {
        int size = backends.size();
        int gcd = 0;
        for (Backend backend : backends) {
            gcd = gcd(gcd, backend.weight());
        }
        int[] weights = new int[size];
        int total = 0;
        for (int i = 0; i < size; i++) {
            weights[i] = backends.get(i).weight() / Math.max(gcd, 1);
            total = Math.addExact(total, weights[i]);
        }
        int[] order = new int[total];
        int[] current = new int[size];
        for (int step = 0; step < total; step++) {
            int best = -1;
            for (int i = 0; i < size; i++) {
                current[i] += weights[i];
                if (best < 0 || current[i] > current[best]) {
                    best = i;
                }
            }
            current[best] -= total;
            order[step] = best;
        }
        return new SmoothSchedule(backends, order);
    }

    private static int gcd(int a, int b) {
        return b == 0 ? a : gcd(b, a % b);
    }
}
