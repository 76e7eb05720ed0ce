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
