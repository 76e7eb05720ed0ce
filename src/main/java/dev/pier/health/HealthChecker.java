package dev.pier.health;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.Health;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the health checks: one scheduler, the threads of the TCP probes and the HTTP client of the HTTP probes,
 * all named {@code pier-health-*}. Each backend is probed on its own schedule, the first time at once; probes
 * are asynchronous, so a slow backend never delays another's. {@link #close()} stops every thread it started.
 * Thread-safe.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HealthChecker.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService tcpExecutor;
    private final HttpClient httpClient;

    public HealthChecker() {
        scheduler = new ScheduledThreadPoolExecutor(1, threads("pier-health-scheduler"));
        scheduler.setRemoveOnCancelPolicy(true);
        scheduler.setExecuteExistingDelayedTasksAfterShutdownPolicy(false);
        // TCP probes block for up to their timeout; each gets a thread, and idle threads leave after a minute.
        tcpExecutor = new ThreadPoolExecutor(0, Integer.MAX_VALUE, 60, TimeUnit.SECONDS, new SynchronousQueue<>(),
                threads("pier-health-tcp"));
        QueuedThreadPool httpThreads = new QueuedThreadPool(8, 1);
        httpThreads.setName("pier-health-http");
        httpThreads.setDaemon(true);
        httpThreads.setReservedThreads(0);
        httpClient = new HttpClient();
        httpClient.setExecutor(httpThreads);
        httpClient.setScheduler(new ScheduledExecutorScheduler("pier-health-http-scheduler", true));
        httpClient.setFollowRedirects(false);
        httpClient.setUserAgentField(null);
        try {
            httpClient.start();
        } catch (Exception e) {
            close();
            throw new IllegalStateException("cannot start the health-check HTTP client", e);
        }
    }

    /**
     * Starts probing every backend of {@code pool}; the first probes run at once.
     *
     * @param label the route's prefix, for log lines
     * @return a handle that stops these probes
     */
    public Watch watch(String label, BackendPool pool, HealthCheckSettings settings) {
        requireNonNull(label, "label");
        requireNonNull(pool, "pool");
        requireNonNull(settings, "settings");
        Probe probe = settings.kind() == HealthCheckKind.TCP
                ? new TcpProbe(tcpExecutor, settings.timeout())
                : new HttpProbe(httpClient, settings.path(), settings.timeout());
        List<ScheduledFuture<?>> tasks = new ArrayList<>();
        for (Backend backend : pool.backends()) {
            Check check = new Check(label, pool, backend, probe,
                    new HealthTracker(settings.healthyThreshold(), settings.unhealthyThreshold(),
                            pool.snapshot().statuses().get(pool.backends().indexOf(backend)).health()));
            tasks.add(scheduler.scheduleAtFixedRate(check, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS));
        }
        return new Watch(tasks);
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        tcpExecutor.shutdownNow();
        try {
            httpClient.stop();
        } catch (Exception e) {
            logger.warn("Failed to stop the health-check HTTP client", e);
        }
        try {
            if (!scheduler.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)
                    || !tcpExecutor.awaitTermination(CLOSE_WAIT_SECONDS, TimeUnit.SECONDS)) {
                logger.warn("Health-check threads did not stop within {} s", CLOSE_WAIT_SECONDS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory threads(String name) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, name + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** The probes of one route's backends; {@link #cancel()} stops them. Thread-safe. */
    public static final class Watch {
        private final List<ScheduledFuture<?>> tasks;

        Watch(List<ScheduledFuture<?>> tasks) {
            this.tasks = List.copyOf(tasks);
        }

        public void cancel() {
            tasks.forEach(task -> task.cancel(false));
        }
    }

    /** One backend's recurring check. Runs on the scheduler; completes on a probe's thread. */
    private static final class Check implements Runnable {
        private final String label;
        private final BackendPool pool;
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

        @Override
        public void run() {
            // An exception escaping a scheduled task would cancel it silently: catch everything.
            try {
                if (!inFlight.compareAndSet(false, true)) {
                    return;
                }
                probe.probe(backend).whenComplete((result, failure) -> {
                    try {
                        record(result != null ? result : ProbeResult.down(String.valueOf(failure)));
                    } catch (RuntimeException e) {
                        logger.warn("Health check of {} failed", backend, e);
                    } finally {
                        inFlight.set(false);
                    }
                });
            } catch (RuntimeException e) {
                inFlight.set(false);
                logger.warn("Health check of {} failed", backend, e);
            }
        }

        private void record(ProbeResult result) {
            // Passive health may have marked the backend down behind the tracker's back: start from what the
            // pool publishes, so that the healthy threshold brings it back.
            tracker.align(pool.health(backend));
            Health before = tracker.health();
            Health after = tracker.record(result.healthy());
            if (after == null) {
                logger.debug("Backend {} of route {} probed: {}", backend, label, result.reason());
                return;
            }
            String why = before == Health.UNKNOWN ? "first probe: " + result.reason()
                    : result.reason() + (after == Health.UP ? " (consecutive successes reached the threshold)"
                    : " (consecutive failures reached the threshold)");
            if (pool.update(backend, after, why)) {
                logger.info("Backend {} of route {} is {}: {}", backend, label, after, why);
            }
        }
    }
}
