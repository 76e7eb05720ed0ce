package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The backend with the fewest requests in flight relative to its weight. Ties are broken in turn: the scan
 * starts one backend further each time and keeps the first of the least loaded. Thread-safe: reads each
 * backend's atomic in-flight count and touches one atomic counter.
 */
final class LeastConnectionsPolicy implements BalancingPolicy {

    private final AtomicInteger counter = new AtomicInteger();

    @Override
    public @Nullable Backend select(List<Backend> eligible, RequestInfo request) {
        int size = eligible.size();
        if (size == 0) {
            return null;
        }
        return leastLoaded(eligible, Math.floorMod(counter.getAndIncrement(), size));
    }

    @Override
    public @Nullable Backend peek(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        int size = eligible.size();
        return size == 0 ? null : leastLoaded(eligible, Math.floorMod(counter.get(), size));
    }

    /** The first of the least loaded relative to weight, scanning from {@code start} around the list. */
    private static Backend leastLoaded(List<Backend> eligible, int start) {
        int size = eligible.size();
        Backend best = eligible.get(start);
        long bestLoad = best.inFlight();
        long bestWeight = best.weight();
        for (int i = 1; i < size; i++) {
            int index = start + i;
            Backend candidate = eligible.get(index >= size ? index - size : index);
            long load = candidate.inFlight();
            // load / weight < bestLoad / bestWeight, without division.
            if (load * bestWeight < bestLoad * candidate.weight()) {
                best = candidate;
                bestLoad = load;
                bestWeight = candidate.weight();
            }
        }
        return best;
    }
}
