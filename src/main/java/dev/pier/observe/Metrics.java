package dev.pier.observe;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.config.MetricsSettings;
import dev.pier.ratelimit.RateLimitStage;
import dev.pier.ratelimit.RateLimiter;
import dev.pier.ratelimit.RateLimits;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.jvm.ClassLoaderMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmInfoMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.FileDescriptorMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The one meter registry of a running Pier (Micrometer's Prometheus registry) and the series it holds: JVM
 * metrics, and for each route and backend the series that {@link #bind} creates once, keeps across reloads that
 * keep them and removes with them. What {@code GET /_pier/metrics} answers and the status's latencies and counts
 * are read from here. Thread-safe: binding is serialized by {@code this} (start and reloads); requests only record
 * into meters that a {@link RouterMeters} holds.
 */
public final class Metrics implements AutoCloseable {

    /** The content type of Prometheus's text format. */
    static final String PROMETHEUS_TEXT = "text/plain; version=0.0.4; charset=utf-8";
    /** The content type of OpenMetrics's text format. */
    static final String OPENMETRICS_TEXT = "application/openmetrics-text; version=1.0.0; charset=utf-8";

    private final PrometheusMeterRegistry registry;
    private final Duration latencyWindow;
    private final BackendMeters noRoute;
    /** By {@code route} and {@code backend} tags. Guarded by {@code this}. */
    private Map<SeriesKey, BackendMeters> backends = new HashMap<>();
    /** By route name. Guarded by {@code this}. */
    private Map<String, RouteSeries> routes = new HashMap<>();
    /** By route name and policy. Guarded by {@code this}. */
    private Map<SeriesKey, Refusals> refusals = new HashMap<>();
    /** What the reload counters read. Guarded by {@code this}. */
    private List<LongSupplier> reloads = List.of();

    private Metrics(MetricsSettings settings) {
        this.latencyWindow = settings.latencyWindow();
        this.registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        new JvmMemoryMetrics().bindTo(registry);
        new CollectorMetrics().bindTo(registry);
        new JvmThreadMetrics().bindTo(registry);
        new ClassLoaderMetrics().bindTo(registry);
        new JvmInfoMetrics().bindTo(registry);
        new ProcessorMetrics().bindTo(registry);
        new UptimeMetrics().bindTo(registry);
        new FileDescriptorMetrics().bindTo(registry);
        this.noRoute = new BackendMeters(registry, "-", "-", latencyWindow);
    }

    /** The registry of {@code settings}, or null when metrics are off. */
    public static @Nullable Metrics start(MetricsSettings settings) {
        return settings.enabled() ? new Metrics(settings) : null;
    }

    /** The registry, for binders of the server Pier runs in (the embedded Jetty's threads and connections). */
    public MeterRegistry registry() {
        return registry;
    }

    /** Counts reloads applied and rejected, as {@code applied} and {@code rejected} say. */
    public synchronized void countReloads(LongSupplier applied, LongSupplier rejected) {
        // Micrometer holds a function counter's object weakly: this one keeps them.
        reloads = List.of(applied, rejected);
        FunctionCounter.builder("pier.reloads", applied, LongSupplier::getAsLong)
                .description("Reloads of the configuration, by result").tag("result", "applied").register(registry);
        FunctionCounter.builder("pier.reloads", rejected, LongSupplier::getAsLong)
                .description("Reloads of the configuration, by result").tag("result", "rejected").register(registry);
    }

    /**
     * The meters of {@code router}'s routes and backends, and the rate-limit refusals of {@code limits}: a
     * series already there (the same route and {@code host:port}) goes on, a new one starts at zero, and the series
     * of routes and backends that {@code router} no longer has are removed. Tells each pool's events to its route's
     * meters.
     */
    synchronized RouterMeters bind(Router router, RateLimits limits) {
        Map<SeriesKey, BackendMeters> keptBackends = new HashMap<>();
        Map<String, RouteSeries> keptRoutes = new HashMap<>();
        Map<Route, RouteMeters> views = new IdentityHashMap<>();
        for (Route route : router.routes()) {
            String name = route.name();
            RouteSeries series = routes.get(name);
            if (series == null) {
                series = new RouteSeries(registry, name, latencyWindow);
            }
            keptRoutes.put(name, series);
            Map<Backend, BackendMeters> ofRoute = new IdentityHashMap<>();
            for (Backend backend : route.pool().backends()) {
                SeriesKey key = new SeriesKey(name, backend.authority());
                BackendMeters meters = keptBackends.get(key);
                if (meters == null) {
                    meters = backends.get(key);
                }
                if (meters == null) {
                    meters = new BackendMeters(registry, name, backend.authority(), latencyWindow);
                }
                meters.bind(route.pool(), backend);
                keptBackends.put(key, meters);
                ofRoute.put(backend, meters);
            }
            RouteMeters view = new RouteMeters(series, ofRoute);
            route.pool().events(view);
            views.put(route, view);
        }
        backends.forEach((key, meters) -> {
            if (!keptBackends.containsKey(key)) {
                meters.remove(registry);
            }
        });
        routes.forEach((name, series) -> {
            if (!keptRoutes.containsKey(name)) {
                series.remove(registry);
            }
        });
        backends = keptBackends;
        routes = keptRoutes;
        bindRefusals(limits);
        return new RouterMeters(views, noRoute);
    }

    private void bindRefusals(RateLimits limits) {
        Map<SeriesKey, Refusals> kept = new HashMap<>();
        for (RateLimitStage stage : limits.stages().values()) {
            for (RateLimiter limiter : stage.limiters()) {
                SeriesKey key = new SeriesKey(stage.route(), limiter.policy());
                Refusals series = refusals.get(key);
                if (series == null) {
                    series = new Refusals(limiter);
                    series.counter = FunctionCounter.builder("pier.rate.limited", series, Refusals::count)
                            .description("Requests over a rate limit (in dry run, that would have been refused)")
                            .tags("route", stage.route(), "policy", limiter.policy()).register(registry);
                } else {
                    series.bind(limiter);
                }
                kept.put(key, series);
            }
        }
        refusals.forEach((key, series) -> {
            if (!kept.containsKey(key) && series.counter != null) {
                registry.remove(series.counter);
            }
        });
        refusals = kept;
    }

    /** The content type that {@link #scrape} writes for a request that sent {@code accept}. */
    static String contentType(@Nullable String accept) {
        return accept != null && accept.contains("application/openmetrics-text") ? OPENMETRICS_TEXT : PROMETHEUS_TEXT;
    }

    /**
     * Writes every series in the format {@code accept} asks for: OpenMetrics when it names
     * {@code application/openmetrics-text}, else Prometheus's text format.
     *
     * @return the content type written
     */
    public String scrape(@Nullable String accept, OutputStream out) throws IOException {
        String type = contentType(accept);
        registry.scrape(out, type);
        return type;
    }

    /** Stops the JVM binders' listeners and closes the registry. */
    @Override
    public void close() {
        registry.close();
    }

    /** A route and a backend, or a route and a policy: the tags that make a series. Immutable. */
    private record SeriesKey(String route, String name) {
    }

    /**
     * The refusals of one policy on one route, across the limiters that reloads build for it: a limiter that kept
     * its buckets keeps its count; one that starts afresh adds to what the previous ones counted. Thread-safe: a
     * volatile limiter and a base written under {@link Metrics}'s lock.
     */
    private static final class Refusals {
        private volatile RateLimiter limiter;
        private volatile long base;
        @Nullable FunctionCounter counter;

        Refusals(RateLimiter limiter) {
            this.limiter = requireNonNull(limiter, "limiter");
        }

        void bind(RateLimiter next) {
            RateLimiter previous = limiter;
            long before = previous.refused();
            // A limiter that carried the count over shows at least as many; a new one starts at zero.
            if (next.refused() < before) {
                base += before;
            }
            limiter = next;
        }

        double count() {
            return base + limiter.refused();
        }
    }
}
