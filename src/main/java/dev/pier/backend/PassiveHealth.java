package dev.pier.backend;

import static java.util.Objects.requireNonNull;

import java.util.IdentityHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Passive health of one route's backends: counts the failures of real exchanges in a row and marks a backend
 * down in its pool, at once, when they reach the threshold; active health checks bring it back. Thread-safe:
 * one atomic counter per backend, in a map that is never modified after construction.
 */
public final class PassiveHealth {

    /** Health transitions are events: see the README, "Observability". */
    private static final Logger events = LoggerFactory.getLogger("pier.events");

    private final String label;
    private final BackendPool pool;
    private final int threshold;
    private final boolean count5xx;
    private final Map<Backend, AtomicInteger> failures;

    /**
     * @param label the route's prefix, for log lines
     * @param threshold failures in a row that mark a backend down; 0 turns passive health off
     */
    public PassiveHealth(String label, BackendPool pool, int threshold, boolean count5xx) {
        this.label = requireNonNull(label, "label");
        this.pool = requireNonNull(pool, "pool");
        if (threshold < 0) {
            throw new IllegalArgumentException("threshold: " + threshold + " (expected: >= 0)");
        }
        this.threshold = threshold;
        this.count5xx = count5xx;
        Map<Backend, AtomicInteger> map = new IdentityHashMap<>();
        for (Backend backend : pool.backends()) {
            map.put(backend, new AtomicInteger());
        }
        this.failures = map;
    }

    /** A backend answered with {@code status}; a 5xx is a failure when so configured, anything else a success. */
    public void answered(Backend backend, int status) {
        if (count5xx && status >= 500) {
            failed(backend, "HTTP " + status);
        } else {
            AtomicInteger count = failures.get(backend);
            if (count != null && count.get() != 0) {
                count.set(0);
            }
        }
    }

    /** An exchange with a backend failed for a reason of the backend's (refused, timed out, connection lost). */
    public void failed(Backend backend, String reason) {
        AtomicInteger count = failures.get(backend);
        if (threshold == 0 || count == null) {
            return;
        }
        int now = count.incrementAndGet();
        if (now >= threshold) {
            count.set(0);
            String why = now + " consecutive failed requests, the last: " + reason + " (passive health)";
            if (pool.update(backend, Health.DOWN, why)) {
                pool.events().ejected(backend);
                events.info("Backend {} of route {} is {}: {}", backend, label, Health.DOWN, why);
            }
        }
    }
}
