package dev.pier.routing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.config.BackendSettings;
import dev.pier.balancing.HashKey;
import dev.pier.config.HashKeySettings;
import dev.pier.config.HostSpelling;
import dev.pier.config.RouteSettings;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Finds the route of a request's host and path. Among the routes whose host pattern and prefix both match, a route
 * of the exact host beats one of a wildcard, a longer wildcard suffix a shorter one, a wildcard a route for any
 * host; then the longest prefix that matches on a path-segment boundary wins. Everything is laid out when the
 * router is built, so that a match allocates nothing. Immutable.
 */
public final class Router {

    /** The routes for any host, longest prefix first, so that the first match is the best. */
    private final Route[] byLength;
    /** Exact host names to their routes. */
    private final HostTable exact;
    /** Wildcard suffixes with their leading dot ({@code *.example.org} as {@code .example.org}) to their routes. */
    private final HostTable wildcards;
    private final List<Route> routes;

    public Router(List<Route> routes) {
        this.routes = List.copyOf(requireNonNull(routes, "routes"));
        List<Route> sorted = new ArrayList<>();
        Map<String, List<Route>> exact = new HashMap<>();
        Map<String, List<Route>> wildcards = new HashMap<>();
        for (Route route : this.routes) {
            if (route.hosts().isEmpty()) {
                sorted.add(route);
            }
            for (String host : route.hosts()) {
                if (host.startsWith("*.")) {
                    wildcards.computeIfAbsent(host.substring(1), h -> new ArrayList<>()).add(route);
                } else {
                    exact.computeIfAbsent(host, h -> new ArrayList<>()).add(route);
                }
            }
        }
        sorted.sort(Comparator.comparingInt((Route r) -> r.prefix().length()).reversed());
        this.byLength = sorted.toArray(new Route[0]);
        this.exact = new HostTable(exact);
        this.wildcards = new HostTable(wildcards);
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
     * backend is the same across a reload when its route has the same {@linkplain Route#name() name} and it has the same URL and the same
     * configured weight (what the file says, whatever an operator set since): then the same {@link Backend}
     * instance is reused and keeps its health (see {@link BackendPool#carryingOver}), its admin state and the
     * weight an operator gave it. A backend whose weight in the file changed is a new one: ready, unprobed, and
     * balanced by the file's weight. A route with the same name and policy keeps its policy instance, and
     * so its counters.
     */
    public static Router of(List<RouteSettings> settings, Router previous) {
        requireNonNull(previous, "previous");
        List<Route> routes = new ArrayList<>(settings.size());
        for (RouteSettings route : settings) {
            Route old = previous.byName(route.name());
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

    /** The route for any host whose prefix is exactly {@code prefix}, or null. */
    public @Nullable Route byPrefix(String prefix) {
        for (Route route : routes) {
            if (route.hosts().isEmpty() && route.prefix().equals(prefix)) {
                return route;
            }
        }
        return null;
    }

    /** The route named {@code name}, or null. */
    public @Nullable Route byName(String name) {
        for (Route route : routes) {
            if (route.name().equals(name)) {
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

    /** Whether some route names hosts. */
    public boolean hasHosts() {
        return !(exact.isEmpty() && wildcards.isEmpty());
    }

    /** The routes in configured order. */
    public List<Route> routes() {
        return routes;
    }

    /** The route of a request without a host: only routes for any host match. */
    public @Nullable Route match(String path) {
        return first(byLength, path);
    }

    /**
     * @param host the request's host as the servlet API gives it ({@code getServerName()}: a name, an IPv4 address
     *             or an IPv6 one in brackets), in any case; a port or a final dot after it is ignored; null or
     *             empty when the request named none (HTTP/1.0 without {@code Host}), which only routes for any
     *             host match
     * @param path a request path starting with {@code /}, without the servlet context path
     * @return the route, or null when none matches
     */
    public @Nullable Route match(@Nullable String host, String path) {
        if (host == null || host.isEmpty() || !hasHosts()) {
            return first(byLength, path);
        }
        int end = hostEnd(host);
        boolean literal = host.charAt(0) == '[';
        if (literal) {
            // An IPv6 address has many spellings: compared in the canonical one, as the patterns are.
            String canonical = HostSpelling.ipv6Literal(host, end);
            if (canonical != null) {
                host = canonical;
                end = canonical.length();
            }
        }
        // One pass from the end of the name hashes each suffix that starts at a dot, shortest first, then the
        // whole name: a longer wildcard suffix that matches replaces a shorter one, and an exact match beats both.
        Route wildcard = null;
        int hash = 0;
        for (int i = end - 1; i >= 0; i--) {
            char c = host.charAt(i);
            hash = HostTable.step(hash, c);
            if (c == '.' && i > 0 && !literal && !wildcards.isEmpty()) {
                Route found = first(wildcards.get(host, i, end, hash), path);
                if (found != null) {
                    wildcard = found;
                }
            }
        }
        Route found = first(exact.get(host, 0, end, hash), path);
        if (found != null) {
            return found;
        }
        return wildcard != null ? wildcard : first(byLength, path);
    }

    /** Where the name of {@code host} ends: before a port and a final dot. */
    private static int hostEnd(String host) {
        if (host.charAt(0) == '[') {
            int close = host.indexOf(']');
            return close < 0 ? host.length() : close + 1;
        }
        int colon = host.indexOf(':');
        int end = colon < 0 ? host.length() : colon;
        return end > 1 && host.charAt(end - 1) == '.' ? end - 1 : end;
    }

    private static @Nullable Route first(Route @Nullable [] routes, String path) {
        if (routes != null) {
            for (Route route : routes) {
                if (route.matches(path)) {
                    return route;
                }
            }
        }
        return null;
    }
}
