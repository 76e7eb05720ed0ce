package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the backend for a request among a route's eligible backends. Implementations are thread-safe and
 * called on request threads: they must not block.
 */
public interface BalancingPolicy {

    /** Each eligible backend in turn, in configured order. */
    static BalancingPolicy roundRobin() {
        return new RoundRobinPolicy();
    }

    /**
     * @param eligible the route's eligible backends, in configured order; an immutable snapshot
     * @return the chosen backend, or null when {@code eligible} is empty
     */
    @Nullable Backend select(List<Backend> eligible, RequestInfo request);
}
