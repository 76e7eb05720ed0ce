package dev.pier.embedded;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.io.Connection;
import org.eclipse.jetty.server.internal.HttpConnection;
import org.eclipse.jetty.util.component.AbstractLifeCycle;
import org.eclipse.jetty.util.thread.Scheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Closes a client connection that has not sent a whole request head within the header timeout of its opening
 * or of the end of its last exchange: a client sending its head a byte at a time ("slowloris") holds a
 * connection only that long, whereas Jetty's idle timeout restarts with every byte. Jetty 12 has no such
 * deadline of its own.
 *
 * <p>A request costs two atomic updates ({@link #requestStarted}, {@link #requestEnded}); a sweep on the server's
 * scheduler, a few times per timeout, closes the connections past their deadline. Thread-safe: per-connection
 * state is atomic, in a concurrent map.
 */
final class HeadDeadline extends AbstractLifeCycle implements Connection.Listener {

    private static final Logger logger = LoggerFactory.getLogger(HeadDeadline.class);

    private final long timeoutNanos;
    private final Scheduler scheduler;
    private final Map<Connection, Waiting> connections = new ConcurrentHashMap<>();
    private volatile Scheduler.@Nullable Task sweep;

    HeadDeadline(Duration timeout, Scheduler scheduler) {
        this.timeoutNanos = timeout.toNanos();
        this.scheduler = scheduler;
    }

    @Override
    protected void doStart() {
        schedule();
    }

    @Override
    protected void doStop() {
        Scheduler.Task task = sweep;
        if (task != null) {
            task.cancel();
        }
        connections.clear();
    }

    /** Tracks HTTP/1 connections only: TLS handshakes and HTTP/2 sessions have timeouts of their own. */
    @Override
    public void onOpened(Connection connection) {
        if (connection instanceof HttpConnection) {
            connections.put(connection, new Waiting(System.nanoTime()));
        }
    }

    @Override
    public void onClosed(Connection connection) {
        connections.remove(connection);
    }

    /** A request head arrived on {@code connection}: no deadline while it is handled. */
    void requestStarted(Connection connection) {
        Waiting waiting = connections.get(connection);
        if (waiting != null) {
            waiting.active.incrementAndGet();
        }
    }

    /** A request on {@code connection} ended: the next head is due within the timeout. */
    void requestEnded(Connection connection) {
        Waiting waiting = connections.get(connection);
        if (waiting != null) {
            waiting.since = System.nanoTime();
            waiting.active.decrementAndGet();
        }
    }

    private void schedule() {
        if (isRunning() || isStarting()) {
            long period = Math.max(TimeUnit.MILLISECONDS.toNanos(100), Math.min(timeoutNanos / 4,
                    TimeUnit.SECONDS.toNanos(1)));
            sweep = scheduler.schedule(this::sweep, period, TimeUnit.NANOSECONDS);
        }
    }

    private void sweep() {
        try {
            long now = System.nanoTime();
            connections.forEach((connection, waiting) -> {
                if (waiting.active.get() == 0 && now - waiting.since > timeoutNanos) {
                    logger.debug("Closing {}: no whole request head within the header timeout", connection);
                    connections.remove(connection);
                    connection.getEndPoint().close();
                }
            });
        } catch (RuntimeException e) {
            logger.warn("Header deadline sweep failed", e);
        } finally {
            schedule();
        }
    }

    /** A connection's requests in progress, and since when it has been waiting for a head. */
    private static final class Waiting {
        final AtomicInteger active = new AtomicInteger();
        /** Written before {@link #active} is decremented, read after it is seen at 0. */
        volatile long since;

        Waiting(long since) {
            this.since = since;
        }
    }
}
