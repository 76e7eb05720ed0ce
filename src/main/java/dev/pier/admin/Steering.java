package dev.pier.admin;

import static dev.pier.admin.AdminServlet.quote;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import dev.pier.web.PierRuntime;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * The admin endpoints that steer backends: {@code POST /_pier/backends/state}, {@code POST
 * /_pier/backends/weight} and {@code GET /_pier/backends/drain}, and how every steering endpoint names a backend
 * ({@code backend=host:port}, optionally {@code route=} a route's name, which is its prefix for a route without
 * hosts: without it, every route that holds the backend). Each change runs through {@link PierRuntime#steer}, so
 * that a reload carries it over whole. Stateless.
 */
final class Steering {

    /**
     * The largest weight an operator may set: a policy's schedule and ring grow with the weights (a
     * consistent-hash ring holds 160 points per unit of weight), and they are rebuilt on a request's thread.
     */
    static final int MAX_WEIGHT = dev.pier.config.BackendSettings.MAX_WEIGHT;
    /** The longest {@code wait} of {@code GET /_pier/backends/drain}; a deploy script asks again for longer. */
    static final Duration MAX_WAIT = Duration.ofMinutes(10);

    private static final String BACKEND_FORM = "host:port of a configured backend, such as 127.0.0.1:9001";
    private static final Pattern DURATION = Pattern.compile("([0-9]{1,9})\\s*(ms|s|m)?");

    private Steering() {
    }

    /** One backend of one route, as a request names it. Immutable. */
    record Target(Route route, Backend backend) {
    }

    /** {@code POST /_pier/backends/state}: sets {@code state} on the named backend; answers JSON. */
    static String state(PierRuntime pier, HttpServletRequest request, AdminParameters parameters) {
        String backend = authority(parameters.required("backend", BACKEND_FORM));
        String prefix = parameters.optional("route");
        String name = parameters.required("state", "one of ready, drain, maint");
        AdminState state = AdminState.parse(name);
        if (state == null) {
            throw AdminError.badRequest("state: '" + name + "' (expected one of: ready, drain, maint)");
        }
        String reason = "POST /_pier/backends/state from " + request.getRemoteAddr();
        return pier.steer(router -> {
            StringBuilder json = new StringBuilder(256).append("{\"backend\":").append(quote(backend))
                    .append(",\"state\":").append(quote(state.configName())).append(",\"routes\":[");
            String separator = "";
            for (Target target : targets(router, backend, prefix)) {
                AdminState before = target.route().steer(target.backend(), state, reason);
                json.append(separator).append("{\"route\":").append(quote(target.route().name()))
                        .append(",\"url\":").append(quote(target.backend().url()))
                        .append(",\"before\":").append(quote((before == null ? state : before).configName()))
                        .append(",\"inFlight\":").append(target.backend().inFlight()).append('}');
                separator = ",";
            }
            return json.append("]}\n").toString();
        });
    }

    /** {@code POST /_pier/backends/weight}: sets {@code weight} on the named backend; answers JSON. */
    static String weight(PierRuntime pier, HttpServletRequest request, AdminParameters parameters) {
        String backend = authority(parameters.required("backend", BACKEND_FORM));
        String prefix = parameters.optional("route");
        String text = parameters.required("weight", "a whole number, 1-" + MAX_WEIGHT);
        int weight;
        try {
            weight = Integer.parseInt(text);
        } catch (NumberFormatException e) {
            throw AdminError.badRequest("weight: '" + text + "' (expected: a whole number, 1-" + MAX_WEIGHT + ")");
        }
        if (weight < 1 || weight > MAX_WEIGHT) {
            throw AdminError.badRequest("weight: " + weight + " (expected: 1-" + MAX_WEIGHT + ")");
        }
        String reason = "POST /_pier/backends/weight from " + request.getRemoteAddr();
        return pier.steer(router -> {
            StringBuilder json = new StringBuilder(256).append("{\"backend\":").append(quote(backend))
                    .append(",\"weight\":").append(weight).append(",\"routes\":[");
            String separator = "";
            for (Target target : targets(router, backend, prefix)) {
                Integer before = target.route().weigh(target.backend(), weight, reason);
                json.append(separator).append("{\"route\":").append(quote(target.route().name()))
                        .append(",\"url\":").append(quote(target.backend().url()))
                        .append(",\"before\":").append(before == null ? weight : before)
                        .append(",\"configuredWeight\":").append(target.backend().configuredWeight()).append('}');
                separator = ",";
            }
            return json.append("]}\n").toString();
        });
    }

    /** {@code GET /_pier/backends/drain}: see {@link DrainWait}. */
    static void drain(PierRuntime pier, HttpServletRequest request, HttpServletResponse response,
                      AdminParameters parameters) throws IOException {
        String backend = authority(parameters.required("backend", BACKEND_FORM));
        Duration wait = duration("wait", parameters.optional("wait"));
        List<Backend> backends = new ArrayList<>();
        for (Target target : targets(pier.router(), backend, parameters.optional("route"))) {
            backends.add(target.backend());
        }
        DrainWait.answer(request, response, backend, backends, wait);
    }

    /**
     * The backends named {@code authority}: of the route named {@code name} (for a route without hosts, its prefix),
     * or of every route when it is null.
     *
     * @throws AdminError 404 when there is no such route or the backend is in none of them
     */
    static List<Target> targets(Router router, String authority, @Nullable String name) {
        List<Route> routes;
        if (name == null) {
            routes = router.routes();
        } else {
            Route route = router.byName(name);
            if (route == null) {
                throw AdminError.notFound("route: no route " + (name.startsWith("/") ? "has the prefix '"
                        : "is named '") + name + "'");
            }
            routes = List.of(route);
        }
        List<Target> targets = new ArrayList<>();
        for (Route route : routes) {
            for (Backend backend : route.pool().backends()) {
                if (backend.authority().equalsIgnoreCase(authority)) {
                    targets.add(new Target(route, backend));
                }
            }
        }
        if (targets.isEmpty()) {
            throw AdminError.notFound("backend: " + authority + " is not a backend of "
                    + (name == null ? "any route" : "route " + name));
        }
        return targets;
    }

    /**
     * {@code host:port}, lower-cased, from {@code host:port} or a backend URL ({@code http://host:port/}).
     *
     * @throws AdminError 400 for anything else
     */
    static String authority(String value) {
        String text = value;
        int scheme = text.indexOf("://");
        if (scheme >= 0) {
            text = text.substring(scheme + 3);
        }
        if (text.endsWith("/")) {
            text = text.substring(0, text.length() - 1);
        }
        int colon = text.lastIndexOf(':');
        String port = colon < 0 ? "" : text.substring(colon + 1);
        if (colon <= 0 || port.isEmpty() || port.length() > 5 || !port.chars().allMatch(c -> c >= '0' && c <= '9')
                || text.indexOf('/') >= 0) {
            throw AdminError.badRequest("backend: '" + value + "' (expected: " + BACKEND_FORM + ")");
        }
        return text.toLowerCase(Locale.ROOT);
    }

    /**
     * A wait such as {@code 30s}, {@code 500ms}, {@code 2m}, or a number of seconds; absent: zero.
     *
     * @throws AdminError 400 for anything else, or for more than {@link #MAX_WAIT}
     */
    static Duration duration(String name, @Nullable String value) {
        if (value == null) {
            return Duration.ZERO;
        }
        Matcher matcher = DURATION.matcher(value);
        String expected = " (expected: a duration such as 30s, 500ms or 2m, at most " + MAX_WAIT.toMinutes() + "m)";
        if (!matcher.matches()) {
            throw AdminError.badRequest(name + ": '" + value + "'" + expected);
        }
        long amount = Long.parseLong(matcher.group(1));
        String unit = matcher.group(2) == null ? "s" : matcher.group(2);
        Duration duration = switch (unit) {
            case "ms" -> Duration.ofMillis(amount);
            case "m" -> Duration.ofMinutes(amount);
            default -> Duration.ofSeconds(amount);
        };
        if (duration.compareTo(MAX_WAIT) > 0) {
            throw AdminError.badRequest(name + ": '" + value + "'" + expected);
        }
        return duration;
    }
}
