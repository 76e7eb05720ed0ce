package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * Smooth weighted round robin; with equal weights, each eligible backend in turn. Thread-safe: one atomic
 * counter indexes the schedule of the current eligible list, which is recomputed only when that list changes
 * and published through a volatile field. {@link Math#floorMod} keeps the index in range when the counter wraps
 * past {@link Integer#MAX_VALUE}.
 */
final class RoundRobinPolicy implements BalancingPolicy {

    private final AtomicInteger counter;
    /** The schedule of the last eligible list seen; two threads may both compute a new one, and either wins. */
    private volatile SmoothSchedule schedule = SmoothSchedule.EMPTY;

    RoundRobinPolicy() {
        this(0);
    }

    RoundRobinPolicy(int start) {
        counter = new AtomicInteger(start);
    }

    @Override
    public @Nullable Backend select(List<Backend> eligible, RequestInfo request) {
        if (eligible.isEmpty()) {
            return null;
        }
        SmoothSchedule current = schedule;
        if (current.backends != eligible) {
            current = SmoothSchedule.of(eligible);
            schedule = current;
        }
        int[] order = current.order;
        return eligible.get(order[Math.floorMod(counter.getAndIncrement(), order.length)]);
    }

    @Override
    public @Nullable Backend peek(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        if (eligible.isEmpty()) {
            return null;
        }
        SmoothSchedule current = schedule;
        if (current.backends != eligible) {
            // Computed for this answer only: publishing it is select's business.
            current = SmoothSchedule.of(eligible);
        }
        int[] order = current.order;
        return eligible.get(order[Math.floorMod(counter.get(), order.length)]);
    }
}
