package dev.pier.ratelimit;

import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A small circuit breaker in front of a remote store: after {@code pauseAfter} failures in a row it opens, and
 * callers stop asking the store for {@code pause}; then one caller tries again: success closes it, failure opens it
 * for another pause. Each switch is logged once to {@code pier.events}. Thread-safe: three atomics.
 */
final class Breaker {

    private static final Logger events = LoggerFactory.getLogger("pier.events");

    private final String store;
    private final int pauseAfter;
    private final long pauseNanos;
    private final LongSupplier clock;
    private final AtomicInteger failures = new AtomicInteger();
    private final AtomicBoolean open = new AtomicBoolean();
    /** While open: when the next caller may try the store. Written before {@link #open} is set. */
    private final AtomicLong retryAt = new AtomicLong();

    /**
     * @param store what the store is, for the log (never with a password)
     */
    Breaker(String store, int pauseAfter, long pauseNanos, LongSupplier clock) {
        this.store = store;
        this.pauseAfter = pauseAfter;
        this.pauseNanos = pauseNanos;
        this.clock = clock;
    }

    /** Whether the caller may ask the store: the breaker is closed, or its pause is over and this caller tries. */
    boolean allows() {
        if (!open.get()) {
            return true;
        }
        long at = retryAt.get();
        long now = clock.getAsLong();
        // One caller per pause wins the right to try; the others keep away until it has answered.
        return now - at >= 0 && retryAt.compareAndSet(at, now + pauseNanos);
    }

    void succeeded() {
        if (failures.get() != 0) {
            failures.set(0);
        }
        if (open.get() && open.compareAndSet(true, false)) {
            events.info("Rate limiting: {} answers again; rate limits are decided there again", store);
        }
    }

    void failed(Throwable cause) {
        if (open.get()) {
            retryAt.set(clock.getAsLong() + pauseNanos);
            return;
        }
        if (failures.incrementAndGet() >= pauseAfter) {
            retryAt.set(clock.getAsLong() + pauseNanos);
            if (open.compareAndSet(false, true)) {
                events.warn("Rate limiting: {} failed {} times in a row (last: {}); rate limits follow on-error, "
                        + "and Pier asks again every {} ms", store, pauseAfter, describe(cause), pauseNanos / 1_000_000);
            }
        }
    }

    boolean isOpen() {
        return open.get();
    }

    private static String describe(Throwable cause) {
        return cause.getMessage() == null ? cause.getClass().getSimpleName()
                : cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
}
