package dev.pier.health;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.Health;
import dev.pier.backend.ProbeRecord;
import java.time.Instant;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One backend's recurring check, which {@link HealthChecker} schedules. Runs on the scheduler; completes on a
 * probe's thread. Thread-safe: the route it reports to is volatile, the in-flight flag atomic.
 */
final class Check implements Runnable {

    private static final Logger logger = LoggerFactory.getLogger(HealthChecker.class);
    /** Health transitions are events: see the README, "Observability". */
    private static final Logger events = LoggerFactory.getLogger("pier.events");

    /** Replaced when a reload carries this check over to the route's new pool. */
    private volatile String label;
    private volatile BackendPool pool;
    private final Backend backend;
    private final Probe probe;
    private final HealthTracker tracker;
    /** Set while a probe is in flight, so that a probe slower than the interval is not stacked. */
    private final AtomicBoolean inFlight = new AtomicBoolean();

    Check(String label, BackendPool pool, Backend backend, Probe probe, HealthTracker tracker) {
        this.label = label;
        this.pool = pool;
        this.backend = backend;
        this.probe = probe;
        this.tracker = tracker;
    }

    /**
     * Publishes further outcomes to {@code newPool}, then brings it up to date with the tracker: an outcome
     * recorded meanwhile reached the old pool, and the tracker, not any pool, is the authority.
     */
    void moveTo(String newLabel, BackendPool newPool) {
        label = newLabel;
        pool = newPool;
        Health health = tracker.health();
        if (health != Health.UNKNOWN) {
            newPool.update(backend, health, "kept across a configuration reload");
        }
    }

    @Override
    public void run() {
        // An exception escaping a scheduled task would cancel it silently: catch everything.
        try {
            if (!inFlight.compareAndSet(false, true)) {
                return;
            }
            probe(true);
        } catch (RuntimeException e) {
            inFlight.set(false);
            logger.warn("Health check of {} failed", backend, e);
        }
    }

    /**
     * Probes once. A first probe that times out is sent again at once before it decides: at start-up the
     * time may have gone to Pier's own warming up (a cold JVM, a busy machine), not to the backend.
     */
    private void probe(boolean mayRepeat) {
        long started = System.nanoTime();
        probe.probe(backend).whenComplete((result, failure) -> {
            boolean again = false;
            try {
                ProbeResult outcome = result != null ? result : ProbeResult.down(String.valueOf(failure));
                ProbeRecord kept = new ProbeRecord(Instant.now(),
                        TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), outcome.healthy(),
                        outcome.reason());
                again = mayRepeat && outcome.timedOut() && tracker.health() == Health.UNKNOWN
                        && pool.health(backend) == Health.UNKNOWN;
                if (again) {
                    logger.debug("First probe of {} timed out; probing again before deciding", backend);
                    backend.probed(kept);
                    probe(false);
                } else {
                    record(outcome);
                    // After the health it may have changed: status never shows a probe ahead of its effect.
                    backend.probed(kept);
                }
            } catch (RuntimeException e) {
                again = false;
                logger.warn("Health check of {} failed", backend, e);
            } finally {
                if (!again) {
                    inFlight.set(false);
                }
            }
        });
    }

    private void record(ProbeResult result) {
        // Passive health may have marked the backend down behind the tracker's back: start from what the
        // pool publishes, so that the healthy threshold brings it back.
        tracker.align(pool.health(backend));
        Health before = tracker.health();
        Health after = tracker.record(result.healthy());
        // Read after the tracker changed: see moveTo.
        BackendPool pool = this.pool;
        String label = this.label;
        pool.events().probed(backend, result.healthy());
        if (after == null) {
            logger.debug("Backend {} of route {} probed: {}", backend, label, result.reason());
            return;
        }
        String why = before == Health.UNKNOWN ? "first probe: " + result.reason()
                : result.reason() + (after == Health.UP ? " (consecutive successes reached the threshold)"
                : " (consecutive failures reached the threshold)");
        if (pool.update(backend, after, why)) {
            events.info("Backend {} of route {} is {}: {}", backend, label, after, why);
        }
    }
}
