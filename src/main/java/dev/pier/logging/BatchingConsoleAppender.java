package dev.pier.logging;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.UnsynchronizedAppenderBase;
import ch.qos.logback.core.encoder.Encoder;
import ch.qos.logback.core.util.Duration;
import java.io.IOException;
import java.io.OutputStream;
import java.util.Locale;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An appender for lines written at the rate of requests (Pier's access log), to standard output or standard error.
 * A logging thread only puts the event on a bounded queue (a compare-and-set, no lock, no system call; a wake-up
 * every {@code batchLines} lines); one writer thread of the appender's own takes the queue every
 * {@code flushInterval}, or sooner when {@code batchLines} lines wait, encodes each event with the {@code encoder}
 * into a buffer and writes the batch with one system call per {@code bufferSize}. When the output does not keep up
 * and the queue is full, a line is dropped rather than waited for; the drops are counted and reported on
 * {@code pier.events}, at most every 10 s.
 *
 * <p>Why not logback's {@code AsyncAppender} over a {@code ConsoleAppender}: its queue wakes its worker for nearly
 * every event, and the console appender flushes (one {@code write} call) after every line. Measured on the bench,
 * the two cost several microseconds of CPU per request; this appender a fraction of one.
 *
 * <p>Configured in {@code logback.xml} like any appender:
 * <pre>{@code
 * <appender name="ACCESS" class="dev.pier.logging.BatchingConsoleAppender">
 *   <target>System.out</target>
 *   <flushInterval>100 milliseconds</flushInterval>
 *   <queueSize>16384</queueSize>
 *   <batchLines>256</batchLines>
 *   <encoder class="dev.pier.logging.MessageEncoder"/>
 * </appender>
 * }</pre>
 *
 * <p>Thread-safe: appending is lock-free; the settings are written before {@link #start} (by logback's
 * configurator, on one thread) and read after it; the writer thread alone encodes and writes.
 */
public final class BatchingConsoleAppender extends UnsynchronizedAppenderBase<ILoggingEvent> {

    private static final Logger events = LoggerFactory.getLogger("pier.events");
    private static final long REPORT_EVERY_NANOS = TimeUnit.SECONDS.toNanos(10);

    private final ConcurrentLinkedQueue<ILoggingEvent> queue = new ConcurrentLinkedQueue<>();
    /** Events queued and not yet taken by the writer: the queue's bound, kept apart as the queue has no cheap size. */
    private final AtomicInteger queued = new AtomicInteger();
    private final AtomicLong dropped = new AtomicLong();
    private final @Nullable Supplier<OutputStream> fixedOutput;
    private @Nullable Encoder<ILoggingEvent> encoder;
    private String target = "System.out";
    private int queueSize = 16384;
    private int batchLines = 256;
    private int bufferSize = 65536;
    private Duration flushInterval = Duration.buildByMilliseconds(100);
    private volatile boolean running;
    private @Nullable Thread writer;

    public BatchingConsoleAppender() {
        this.fixedOutput = null;
    }

    /** An appender writing to what {@code output} gives instead of the {@code target}: for tests. */
    BatchingConsoleAppender(Supplier<OutputStream> output) {
        this.fixedOutput = requireNonNull(output, "output");
    }

    public void setEncoder(Encoder<ILoggingEvent> encoder) {
        this.encoder = encoder;
    }

    /** {@code System.out} (the default) or {@code System.err}. */
    public void setTarget(String target) {
        this.target = target;
    }

    /** The most events held for the writer; beyond it, events are dropped. */
    public void setQueueSize(int queueSize) {
        this.queueSize = queueSize;
    }

    /**
     * How many waiting lines wake the writer before the flush interval is up. Few enough that the lines waiting
     * are few: every line still queued when the young generation is collected is copied by the collector.
     */
    public void setBatchLines(int batchLines) {
        this.batchLines = batchLines;
    }

    /** The bytes written to the output at once. */
    public void setBufferSize(int bufferSize) {
        this.bufferSize = bufferSize;
    }

    /** How long a line may wait before it is written, at most (when the output keeps up). */
    public void setFlushInterval(Duration flushInterval) {
        this.flushInterval = flushInterval;
    }

    /** Lines dropped so far because the queue was full. */
    public long dropped() {
        return dropped.get();
    }

    @Override
    public void start() {
        int errors = 0;
        if (encoder == null) {
            addError("No encoder set for the appender named \"" + name + "\".");
            errors++;
        }
        String wanted = target.trim().toLowerCase(Locale.ROOT);
        if (fixedOutput == null && !wanted.equals("system.out") && !wanted.equals("system.err")) {
            addError("target: " + target + " (expected: System.out or System.err)");
            errors++;
        }
        if (queueSize < 2 || batchLines < 1 || bufferSize < 1 || flushInterval.getMilliseconds() < 1) {
            addError("queueSize, batchLines, bufferSize and flushInterval must be positive (queueSize at least 2)");
            errors++;
        }
        if (errors > 0) {
            return;
        }
        Thread thread = new Thread(this::writeUntilStopped, "BatchingConsoleAppender-" + (name == null ? "" : name));
        thread.setDaemon(true);
        running = true;
        writer = thread;
        super.start();
        thread.start();
    }

    /** Stops taking events, writes those queued and waits for the writer, at most a second. */
    @Override
    public void stop() {
        if (!isStarted()) {
            return;
        }
        super.stop();
        running = false;
        Thread thread = writer;
        if (thread != null) {
            LockSupport.unpark(thread);
            try {
                thread.join(1000);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    protected void append(ILoggingEvent event) {
        int before = queued.getAndIncrement();
        if (before >= queueSize) {
            queued.decrementAndGet();
            dropped.incrementAndGet();
            return;
        }
        // What a later thread needs to format it (the message, the thread's name, the MDC), taken while it is
        // true. A deferred message is immutable and formats itself on the writer thread; Pier's encoder writes
        // nothing else of the event, so such an event needs nothing taken.
        if (MessageEncoder.deferred(event) == null) {
            event.prepareForDeferredProcessing();
        } else if (!(encoder instanceof MessageEncoder)) {
            event.getThreadName();
            event.getMDCPropertyMap();
        }
        queue.offer(event);
        if (before == Math.min(batchLines, queueSize / 2)) {
            Thread thread = writer;
            if (thread != null) {
                LockSupport.unpark(thread);
            }
        }
    }

    private void writeUntilStopped() {
        Encoder<ILoggingEvent> encoder = requireNonNull(this.encoder, "encoder");
        long intervalNanos = TimeUnit.MILLISECONDS.toNanos(flushInterval.getMilliseconds());
        long reportedAt = System.nanoTime() - REPORT_EVERY_NANOS;
        long reported = 0;
        LineBuffer batch = new LineBuffer(bufferSize + bufferSize / 8);
        append(batch, encoder.headerBytes());
        boolean last = false;
        while (!last) {
            // Read before draining: what is queued before stop() is written by this or the next round.
            last = !running;
            int taken = 0;
            for (ILoggingEvent event = queue.poll(); event != null; event = queue.poll()) {
                taken++;
                int mark = batch.length();
                try {
                    if (encoder instanceof MessageEncoder lines) {
                        lines.writeTo(event, batch);
                    } else {
                        append(batch, encoder.encode(event));
                    }
                } catch (RuntimeException e) {
                    // Nothing of a line that failed half-way: the lines around it stay whole.
                    batch.truncate(mark);
                    addError("Formatting a line failed", e);
                }
                if (batch.length() >= bufferSize) {
                    write(batch);
                }
            }
            if (taken > 0) {
                queued.addAndGet(-taken);
                write(batch);
            }
            long lost = dropped.get();
            if (lost != reported && System.nanoTime() - reportedAt >= REPORT_EVERY_NANOS) {
                events.warn("{}: {} lines dropped so far: the output did not keep up", name, lost);
                reported = lost;
                reportedAt = System.nanoTime();
            }
            if (!last) {
                LockSupport.parkNanos(this, intervalNanos);
            }
        }
        append(batch, encoder.footerBytes());
        write(batch);
    }

    private static void append(LineBuffer batch, byte @Nullable [] bytes) {
        if (bytes != null) {
            batch.append(bytes);
        }
    }

    /** Writes the batch to the current output with one call, and flushes it. */
    private void write(LineBuffer batch) {
        if (batch.length() == 0) {
            return;
        }
        try {
            OutputStream out = output();
            batch.writeTo(out);
            out.flush();
        } catch (IOException | RuntimeException e) {
            batch.clear();
            addError("Writing lines failed", e);
        }
    }

    /** The current output ({@code System.out} or {@code System.err} when a batch is written, as they may change). */
    private OutputStream output() {
        if (fixedOutput != null) {
            return fixedOutput.get();
        }
        return target.trim().equalsIgnoreCase("System.err") ? System.err : System.out;
    }
}
