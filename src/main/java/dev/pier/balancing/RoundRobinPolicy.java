package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Each eligible backend in turn. Thread-safe: one atomic counter; {@link Math#floorMod} keeps the index in range
 * when the counter wraps past {@link Integer#MAX_VALUE}.
 */
final class RoundRobinPolicy implements BalancingPolicy {

    private final AtomicInteger counter;

    RoundRobinPolicy() {
        this(0);
    }

    RoundRobinPolicy(int start) {
        counter = new AtomicInteger(start);
    }

    @Override
    public @Nullable Backend select(List<Backend> eligible, RequestInfo request) {
        int size = eligible.size();
        if (size == 0) {
            return null;
        }
        return eligible.get(Math.floorMod(counter.getAndIncrement(), size));
    }
}
