package dev.pier.ratelimit;

import java.util.concurrent.atomic.AtomicLong;

/**
 * A token bucket as the generic cell rate algorithm: a bucket is one number, its theoretical arrival time (TAT),
 * the time at which it will be full again. A request is allowed when taking its token leaves the TAT at most
 * {@code burst} emission intervals ahead of now; taking it moves the TAT one interval on. Immutable.
 *
 * <p>An outcome is one {@code long}, so that a decision allocates nothing: {@code >= 0}, allowed, and the value is
 * the nanoseconds until the bucket is full again; otherwise refused, and minus the value is the nanoseconds until a
 * token is there ({@link #NOT_COUNTED} and {@link #refused} aside).
 */
final class Gcra {

    /** The outcome of a request that no bucket counts: exempt, or without a key and let through. */
    static final long NOT_COUNTED = Long.MIN_VALUE;

    private final long intervalNanos;
    private final long toleranceNanos;
    private final int burst;

    /**
     * @param periodNanos the period; {@code rate} tokens are added per period, one every {@code period / rate},
     *                    rounded down to whole microseconds (the resolution of Redis's clock), at least one
     * @param burst the bucket's size
     */
    Gcra(long periodNanos, int rate, int burst) {
        if (periodNanos <= 0 || rate < 1 || burst < 1) {
            throw new IllegalArgumentException("periodNanos: " + periodNanos + ", rate: " + rate + ", burst: "
                    + burst + " (expected: > 0)");
        }
        this.intervalNanos = Math.max(1_000, periodNanos / rate / 1_000 * 1_000);
        this.toleranceNanos = Math.multiplyExact(intervalNanos, (long) burst);
        this.burst = burst;
    }

    /** The time between two tokens. */
    long intervalNanos() {
        return intervalNanos;
    }

    /** The time a bucket takes to fill up from empty: {@code burst} intervals. */
    long toleranceNanos() {
        return toleranceNanos;
    }

    int burst() {
        return burst;
    }

    /**
     * Takes a token from the bucket {@code tat} at {@code now}; lock-free: compare-and-set until no other thread
     * moved the TAT in between. A refusal writes nothing.
     */
    long take(AtomicLong tat, long now) {
        while (true) {
            long stored = tat.get();
            // A TAT in the past is a full bucket: it starts from now (compared by difference, as nanoTime must be).
            long from = stored - now < 0 ? now : stored;
            long next = from + intervalNanos;
            long ahead = next - now;
            if (ahead > toleranceNanos) {
                return -(ahead - toleranceNanos);
            }
            if (tat.compareAndSet(stored, next)) {
                return ahead;
            }
        }
    }

    /** The outcome of a refusal without a bucket (a missing key denied, Redis failing with on-error = deny). */
    long refused() {
        return -intervalNanos;
    }

    static boolean allowed(long outcome) {
        return outcome >= 0;
    }

    /** The tokens left after an allowed outcome; 0 after a refusal. */
    long remaining(long outcome) {
        return outcome < 0 ? 0 : (toleranceNanos - outcome) / intervalNanos;
    }

    /** Whole seconds, rounded up, at least 1: until the bucket is full after an allowed outcome, until a token after a refusal. */
    static long seconds(long outcome) {
        long nanos = outcome < 0 ? -outcome : outcome;
        return Math.max(1, (nanos + 999_999_999) / 1_000_000_000);
    }
}
