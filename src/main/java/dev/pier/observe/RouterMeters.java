package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.routing.Route;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one configuration's routes, each found by its {@link Route} (an identity map), and the series of
 * requests that matched no route. Built by {@link Metrics#bind} with the configuration and swapped with it.
 * Immutable, over thread-safe meters.
 */
final class RouterMeters {

    private final Map<Route, RouteMeters> routes;
    private final BackendMeters noRoute;

    RouterMeters(Map<Route, RouteMeters> routes, BackendMeters noRoute) {
        this.routes = new IdentityHashMap<>(routes);
        this.noRoute = noRoute;
    }

    /** Counts {@code outcome} in its route's and backend's series: two identity lookups, no tags. */
    void record(RequestOutcome outcome) {
        Route route = outcome.context().route();
        RouteMeters meters = route == null ? null : routes.get(route);
        BackendMeters series = meters == null ? noRoute : meters.of(outcome.backend());
        series.record(outcome.status(), outcome.totalNanos(), outcome.endNanos());
    }

    void retried(Route route) {
        RouteMeters meters = routes.get(route);
        if (meters != null) {
            meters.series().retried();
        }
    }

    /** The series of {@code backend} of {@code route}, or null when this configuration has no such pair. */
    @Nullable BackendMeters of(Route route, Backend backend) {
        RouteMeters meters = routes.get(route);
        return meters == null ? null : meters.ofBackend(backend);
    }
}
