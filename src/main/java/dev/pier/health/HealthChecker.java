package dev.pier.health;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.BackendStatus;
import dev.pier.config.BackendTls;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import dev.pier.tls.ClientContexts;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns the health checks: one scheduler, the threads of the TCP probes and the HTTP client of the HTTP probes,
 * all named {@code pier-health-*}. Each backend is probed on its own schedule, the first time at once; probes
 * are asynchronous, so a slow backend never delays another's. Each outcome is kept with the backend
 * ({@link Backend#recentProbes()}). {@link #close()} stops every thread it started.
 * Thread-safe.
 */
public final class HealthChecker implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(HealthChecker.class);
    private static final long CLOSE_WAIT_SECONDS = 5;

    private final ScheduledThreadPoolExecutor scheduler;
    private final ExecutorService tcpExecutor;
    private final HttpClient httpClient;
    /** The probes' clients of routes with TLS settings of their own, made when first needed. */
    private final Map<BackendTls, HttpClient> tlsClients = new ConcurrentHashMap<>();

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
        return rewatch(null, label, pool, settings);
    }

    /**
     * Moves the probes of a reloaded route to its new {@code pool}. A backend of {@code pool} that
     * {@code previous} already probes (the same instance, with the same settings) keeps its check: its schedule,
     * its streak and its health go on, and no extra probe is sent. Other backends of {@code pool} are probed at
     * once, starting from the health {@code pool} gives them. The probes of {@code previous} that are not carried
     * over stop.
     *
     * @param previous the route's watch before the reload, or null for a new route
     * @return the watch of {@code pool}; {@code previous} must no longer be used
     */
    public Watch rewatch(@Nullable Watch previous, String label, BackendPool pool, HealthCheckSettings settings) {
        return rewatch(previous, label, pool, settings, BackendTls.DEFAULT);
    }

    /** {@link #rewatch(Watch, String, BackendPool, HealthCheckSettings)} with the route's TLS to its backends. */
    public Watch rewatch(@Nullable Watch previous, String label, BackendPool pool, HealthCheckSettings settings,
                         BackendTls tls) {
        requireNonNull(label, "label");
        requireNonNull(pool, "pool");
        requireNonNull(settings, "settings");
        requireNonNull(tls, "tls");
        Probe probe = settings.kind() == HealthCheckKind.TCP
                ? new TcpProbe(tcpExecutor, settings.timeout())
                : new HttpProbe(clientFor(tls), settings.path(), settings.timeout());
        Map<Backend, Scheduled> checks = new LinkedHashMap<>();
        List<BackendStatus> statuses = pool.snapshot().statuses();
        for (int i = 0; i < pool.backends().size(); i++) {
            Backend backend = pool.backends().get(i);
            Scheduled kept = previous != null && previous.settings.equals(settings) && previous.tls.equals(tls)
                    ? previous.checks.get(backend) : null;
            if (kept != null) {
                kept.check.moveTo(label, pool);
                checks.put(backend, kept);
                continue;
            }
            Check check = new Check(label, pool, backend, probe,
                    new HealthTracker(settings.healthyThreshold(), settings.unhealthyThreshold(),
                            statuses.get(i).health()));
            checks.put(backend, new Scheduled(check,
                    scheduler.scheduleAtFixedRate(check, 0, settings.interval().toMillis(), TimeUnit.MILLISECONDS)));
        }
        if (previous != null) {
            previous.checks.forEach((backend, scheduled) -> {
                if (checks.get(backend) != scheduled) {
                    scheduled.future.cancel(false);
                }
            });
        }
        return new Watch(settings, tls, checks);
    }

    /** The probes' client for backends with {@code tls}: the route's trust, client certificate and name. */
    private HttpClient clientFor(BackendTls tls) {
        if (tls.isDefault()) {
            return httpClient;
        }
        return tlsClients.computeIfAbsent(tls, profile -> {
            ClientConnector connector = new ClientConnector();
            connector.setSslContextFactory(ClientContexts.create(profile.trust(), profile.certificate(), profile.key(),
                    profile.serverName(), profile.verify()));
            HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
            client.setExecutor(httpClient.getExecutor());
            client.setScheduler(httpClient.getScheduler());
            client.setFollowRedirects(false);
            client.setUserAgentField(null);
            try {
                client.start();
            } catch (Exception e) {
                throw new IllegalStateException("cannot start a health-check HTTP client", e);
            }
            return client;
        });
    }

    @Override
    public void close() {
        scheduler.shutdownNow();
        tcpExecutor.shutdownNow();
        for (HttpClient client : tlsClients.values()) {
            try {
                client.stop();
            } catch (Exception e) {
                logger.warn("Failed to stop a health-check HTTP client", e);
            }
        }
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

    /** The probes of one route's backends; {@link #cancel()} stops them. Thread-safe: immutable. */
    public static final class Watch {
        private final HealthCheckSettings settings;
        private final BackendTls tls;
        private final Map<Backend, Scheduled> checks;

        Watch(HealthCheckSettings settings, BackendTls tls, Map<Backend, Scheduled> checks) {
            this.settings = settings;
            this.tls = tls;
            this.checks = Collections.unmodifiableMap(new LinkedHashMap<>(checks));
        }

        public void cancel() {
            checks.values().forEach(scheduled -> scheduled.future.cancel(false));
        }
    }

    /** A check and its place on the scheduler. Immutable. */
    private record Scheduled(Check check, ScheduledFuture<?> future) {
    }
}
