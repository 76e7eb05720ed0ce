package dev.pier.observe;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.concurrent.locks.ReentrantLock;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;
import org.jspecify.annotations.Nullable;

/**
 * One series' latencies over a sliding window: what the status's p50 and p99 are read from. A request's thread
 * records into an HdrHistogram {@link Recorder} (lock-free, nothing allocated); what was recorded moves into a ring
 * of {@value #SLICES} slices, each a third of the window, when a slice ends: on the first record after its end (only
 * if no other thread is moving it, so a record never waits) or on a read. A percentile is that of the slices still
 * in the window, so it looks back between two thirds of the window and all of it, with two significant digits.
 *
 * <p>Micrometer's own sliding percentiles record into every slice of their ring on every request: several times
 * this cost, measured in {@code RecordBenchmark}. The Prometheus histogram stays Micrometer's.
 *
 * <p>Thread-safe: the recorder is; the slices belong to whoever holds the lock.
 */
final class LatencyWindow {

    static final int SLICES = 3;
    private static final int DIGITS = 2;

    private final Recorder recorder = new Recorder(DIGITS);
    private final long sliceNanos;
    private final ReentrantLock lock = new ReentrantLock();
    /** Guarded by {@link #lock}. */
    private final Histogram[] slices = new Histogram[SLICES];
    private volatile long sliceEndsNanos;
    /** Guarded by {@link #lock}. */
    private int current;
    /** The recorder's last interval, handed back to it to recycle. Guarded by {@link #lock}. */
    private @Nullable Histogram interval;

    /**
     * @param window how far back the percentiles look, at most; a third of it at the least
     * @param nowNanos the time now, by {@link System#nanoTime()}
     */
    LatencyWindow(Duration window, long nowNanos) {
        requireNonNull(window, "window");
        if (window.isNegative() || window.isZero()) {
            throw new IllegalArgumentException("window must be positive: " + window);
        }
        this.sliceNanos = Math.max(1, window.toNanos() / SLICES);
        for (int i = 0; i < SLICES; i++) {
            slices[i] = new Histogram(DIGITS);
        }
        this.sliceEndsNanos = nowNanos + sliceNanos;
    }

    /** Records a latency of {@code nanos}, ended at {@code nowNanos}. Lock-free; allocates nothing. */
    void record(long nanos, long nowNanos) {
        // The slice is moved on first, so that this latency counts in the slice it belongs to.
        if (nowNanos - sliceEndsNanos >= 0 && lock.tryLock()) {
            try {
                roll(nowNanos);
            } finally {
                lock.unlock();
            }
        }
        recorder.recordValue(Math.max(0, nanos / 1000));
    }

    /**
     * The latencies at {@code percentiles} (each 0-100) over the window ending at {@code nowNanos}, in nanoseconds
     * (to the microsecond); zeros when nothing was recorded in it.
     */
    long[] percentiles(long nowNanos, double... percentiles) {
        Histogram window = window(nowNanos);
        long[] values = new long[percentiles.length];
        if (window.getTotalCount() > 0) {
            for (int i = 0; i < percentiles.length; i++) {
                values[i] = window.getValueAtPercentile(percentiles[i]) * 1000;
            }
        }
        return values;
    }

    /** How many latencies the window ending at {@code nowNanos} holds. */
    long count(long nowNanos) {
        return window(nowNanos).getTotalCount();
    }

    private Histogram window(long nowNanos) {
        Histogram sum = new Histogram(DIGITS);
        lock.lock();
        try {
            roll(nowNanos);
            for (Histogram slice : slices) {
                sum.add(slice);
            }
        } finally {
            lock.unlock();
        }
        return sum;
    }

    /** Moves what was recorded into the current slice, then starts a new one for each slice that has ended. */
    private void roll(long nowNanos) {
        interval = recorder.getIntervalHistogram(interval);
        slices[current].add(interval);
        long ends = sliceEndsNanos;
        if (nowNanos - ends >= 0) {
            long ended = (nowNanos - ends) / sliceNanos + 1;
            for (long i = 0; i < Math.min(ended, SLICES); i++) {
                current = (current + 1) % SLICES;
                slices[current].reset();
            }
            sliceEndsNanos = ends + ended * sliceNanos;
        }
    }
}
