package dev.pier.observe;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.config.ObservabilitySettings;
import dev.pier.pipeline.RequestContext;
import dev.pier.ratelimit.RateLimits;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import org.jspecify.annotations.Nullable;

/**
 * What one configuration reports each request to: its access log and the meters of its routes and backends. Built
 * with the configuration and swapped with it, so that a request reports to the generation it started with. The
 * proxy's one entry: {@link #begin} when a request arrives, {@link RequestOutcome#end} when its exchange ends.
 * Immutable, over a thread-safe log and meters.
 */
public final class Observer {

    /** Reports nothing: for outcomes whose lines are built directly, as in tests. */
    static final Observer NONE = new Observer(null, null);

    private final @Nullable AccessLog log;
    private final @Nullable RouterMeters meters;

    private Observer(@Nullable AccessLog log, @Nullable RouterMeters meters) {
        this.log = log;
        this.meters = meters;
    }

    /**
     * The observer of a configuration: its access log as {@code settings} say, and when {@code metrics} is not null,
     * the meters of {@code router}'s routes and backends and of {@code limits}' refusals (see {@link Metrics#bind}).
     */
    public static Observer of(ObservabilitySettings settings, @Nullable Metrics metrics, Router router,
                              RateLimits limits) {
        requireNonNull(settings, "settings");
        requireNonNull(router, "router");
        requireNonNull(limits, "limits");
        AccessLog log = settings.accessLog().enabled() ? new AccessLog(settings.accessLog()) : null;
        return new Observer(log, metrics == null ? null : metrics.bind(router, limits));
    }

    /**
     * Starts the outcome of a request that has just arrived.
     *
     * @param query the raw query, or null
     * @param traceparent its {@code traceparent} header, or null
     */
    public RequestOutcome begin(RequestContext context, String method, @Nullable String query,
                                @Nullable String traceparent) {
        return new RequestOutcome(this, context, method, query, traceparent);
    }

    /** Counts one more try of a request on {@code route}. */
    public void retried(Route route) {
        if (meters != null) {
            meters.retried(route);
        }
    }

    /**
     * Appends to a backend's object in the status JSON its {@code "latency":{"p50":..,"p99":..}} (milliseconds,
     * over {@code pier.metrics.latency-window}) and {@code "counts":{"2xx":..,"3xx":..,"4xx":..,"5xx":..}}, each
     * after a comma: read from the same meters as {@code /_pier/metrics}. Appends nothing when metrics are off.
     */
    public void appendStatus(StringBuilder json, Route route, Backend backend) {
        BackendMeters series = meters == null ? null : meters.of(route, backend);
        if (series != null) {
            series.appendStatus(json);
        }
    }

    /** Reports the request of {@code outcome}, once, when its exchange has ended. */
    void ended(RequestOutcome outcome) {
        if (meters != null) {
            meters.record(outcome);
        }
        if (log != null) {
            log.write(outcome);
        }
    }
}
