package dev.pier.ratelimit;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;

/** A nanosecond clock that moves only when told, so that rate-limit tests are exact. Thread-safe. */
final class FakeClock implements LongSupplier {

    private final AtomicLong nanos;

    FakeClock(long start) {
        this.nanos = new AtomicLong(start);
    }

    /** A clock that starts at an arbitrary point, as nanoTime does. */
    FakeClock() {
        this(7_000_000_000_000L);
    }

    @Override
    public long getAsLong() {
        return nanos.get();
    }

    void advance(Duration by) {
        nanos.addAndGet(by.toNanos());
    }
}
