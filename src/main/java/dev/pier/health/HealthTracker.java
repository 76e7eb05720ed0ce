package dev.pier.health;

import dev.pier.backend.Health;
import org.jspecify.annotations.Nullable;

/**
 * The state machine of one backend's health: the first probe decides up or down, after which a backend goes up
 * after {@code healthyThreshold} consecutive successes and down after {@code unhealthyThreshold} consecutive
 * failures. No network: it is fed probe outcomes. Thread-safe: guarded by {@code this}.
 */
final class HealthTracker {

    private final int healthyThreshold;
    private final int unhealthyThreshold;
    /** Guarded by this. */
    private Health health = Health.UNKNOWN;
    /** Consecutive outcomes that disagree with {@link #health}. Guarded by this. */
    private int streak;

    HealthTracker(int healthyThreshold, int unhealthyThreshold) {
        if (healthyThreshold < 1) {
            throw new IllegalArgumentException("healthyThreshold: " + healthyThreshold + " (expected: > 0)");
        }
        if (unhealthyThreshold < 1) {
            throw new IllegalArgumentException("unhealthyThreshold: " + unhealthyThreshold + " (expected: > 0)");
        }
        this.healthyThreshold = healthyThreshold;
        this.unhealthyThreshold = unhealthyThreshold;
    }

    /** Starts from a known state, as a backend kept across a configuration reload does. */
    HealthTracker(int healthyThreshold, int unhealthyThreshold, Health initial) {
        this(healthyThreshold, unhealthyThreshold);
        this.health = initial;
    }

    /** Adopts {@code published} when it differs, as when passive health marked the backend down. */
    synchronized void align(Health published) {
        if (health != published) {
            health = published;
            streak = 0;
        }
    }

    synchronized Health health() {
        return health;
    }

    /**
     * Records one probe outcome.
     *
     * @return the new health when this outcome changes it, else null
     */
    synchronized @Nullable Health record(boolean healthy) {
        Health target = healthy ? Health.UP : Health.DOWN;
        if (health == target) {
            streak = 0;
            return null;
        }
        if (health == Health.UNKNOWN) {
            health = target;
            streak = 0;
            return target;
        }
        streak++;
        if (streak >= (healthy ? healthyThreshold : unhealthyThreshold)) {
            health = target;
            streak = 0;
            return target;
        }
        return null;
    }

    /** Consecutive outcomes that disagree with the current health, for log lines. */
    synchronized int streak() {
        return streak;
    }
}
