package dev.pier.routing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.config.BackendSettings;
import dev.pier.balancing.HashKey;
import dev.pier.config.HashKeySettings;
import dev.pier.config.RouteSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Finds the route of a path: the longest prefix that matches on a path-segment boundary. Immutable. */
public final class Router {

    /** Longest prefix first, so that the first match is the best. */
    private final Route[] byLength;
    private final List<Route> routes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(requireNonNull(routes, "routes"));
        List<Route> sorted = new ArrayList<>(this.routes);
        sorted.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        this.byLength = sorted.toArray(new Route[0]);
    }

    /** Builds the routes of validated settings, each with a new pool whose backends are all unknown. */
    public static Router of(List<RouteSettings> settings) {
        List<Route> routes = new ArrayList<>(settings.size());
        for (RouteSettings route : settings) {
            List<Backend> backends = new ArrayList<>(route.backends().size());
            for (BackendSettings backend : route.backends()) {
                backends.add(new Backend(backend.url(), backend.host(), backend.port(), backend.weight()));
            }
            routes.add(new Route(route, new BackendPool(backends), policy(route)));
        }
        return new Router(routes);
    }

    /**
     * Builds the routes of reloaded settings, carrying over from {@code previous} what a reload must not reset. A
     * backend is the same across a reload when its route has the same prefix and it has the same URL and the same
     * configured weight (what the file says, whatever an operator set since): then the same {@link Backend}
     * instance is reused and keeps its health (see {@link BackendPool#carryingOver}), its admin state and the
     * weight an operator gave it. A backend whose weight in the file changed is a new one: ready, unprobed, and
     * balanced by the file's weight. A route with the same prefix and policy keeps its policy instance, and
     * so its counters.
     */
    public static Router of(List<RouteSettings> settings, Router previous) {
        requireNonNull(previous, "previous");
        List<Route> routes = new ArrayList<>(settings.size());
        for (RouteSettings route : settings) {
            Route old = previous.byPrefix(route.prefix());
            List<Backend> backends = new ArrayList<>(route.backends().size());
            for (BackendSettings backend : route.backends()) {
                Backend same = old == null ? null : find(old.pool().backends(), backend);
                backends.add(same != null ? same
                        : new Backend(backend.url(), backend.host(), backend.port(), backend.weight()));
            }
            BackendPool pool = old == null ? new BackendPool(backends) : BackendPool.carryingOver(backends, old.pool());
            boolean samePolicy = old != null && old.settings().policy() == route.policy()
                    && old.settings().hashKey().equals(route.hashKey())
                    && old.settings().cookieName().equals(route.cookieName());
            BalancingPolicy policy = samePolicy ? old.policy() : policy(route);
            routes.add(new Route(route, pool, policy));
        }
        return new Router(routes);
    }

    private static @Nullable Backend find(List<Backend> backends, BackendSettings wanted) {
        for (Backend backend : backends) {
            if (backend.url().equals(wanted.url()) && backend.configuredWeight() == wanted.weight()) {
                return backend;
            }
        }
        return null;
    }

    /** The route whose prefix is exactly {@code prefix}, or null. */
    public @Nullable Route byPrefix(String prefix) {
        for (Route route : routes) {
            if (route.prefix().equals(prefix)) {
                return route;
            }
        }
        return null;
    }

    static BalancingPolicy policy(RouteSettings route) {
        return switch (route.policy()) {
            case ROUND_ROBIN -> BalancingPolicy.roundRobin();
            case LEAST_CONNECTIONS -> BalancingPolicy.leastConnections();
            case RANDOM_TWO_CHOICES -> BalancingPolicy.randomTwoChoices();
            case CONSISTENT_HASH -> BalancingPolicy.consistentHash(hashKey(route.hashKey()));
            case STICKY_COOKIE -> BalancingPolicy.stickyCookie(route.cookieName(), route.prefix());
        };
    }

    private static HashKey hashKey(HashKeySettings key) {
        return switch (key.source()) {
            case HEADER -> HashKey.header(key.name());
            case COOKIE -> HashKey.cookie(key.name());
            case CLIENT_IP -> HashKey.clientAddress();
        };
    }

    /** The routes in configured order. */
    public List<Route> routes() {
        return routes;
    }

    /**
     * @param path a request path starting with {@code /}, without the servlet context path
     * @return the route, or null when none matches
     */
    public @Nullable Route match(String path) {
        for (Route route : byLength) {
            if (route.matches(path)) {
                return route;
            }
        }
        return null;
    }
}
