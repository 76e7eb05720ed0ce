package dev.pier.admin;

import static dev.pier.admin.AdminServlet.quote;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import dev.pier.balancing.RequestInfo;
import dev.pier.config.PolicyName;
import dev.pier.routing.Paths;
import dev.pier.routing.RequestHost;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import dev.pier.web.ServletCookies;
import jakarta.servlet.http.HttpServletRequest;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /_pier/explain?path=...&host=...}: why a request for {@code path} on {@code host} (else on the explain
 * request's own host, as {@link RequestHost} reads it) would go where it goes. The route it matches, every backend of that route with its eligibility and what keeps it out (its health, drain, maint), and
 * the backend the policy would pick next, found by the policy's side-effect-free peek: nothing is sent and no
 * counter moves. The policy sees the explain request's own headers and cookies (so that a consistent-hash header
 * or a sticky cookie can be given) and the client address {@code client=}, else the caller's. The route's access
 * rules and rate limits are not evaluated. Stateless.
 */
final class Explain {

    private Explain() {
    }

    static String json(Router router, HttpServletRequest request, AdminParameters parameters) {
        String asked = parameters.required("path", "a request path, such as /api/users/7");
        int query = asked.indexOf('?');
        String path = Paths.normalize(query < 0 ? asked : asked.substring(0, query));
        if (path == null) {
            throw AdminError.badRequest("path: '" + asked + "' (expected: a path that starts with / and stays "
                    + "below it, as a request's would)");
        }
        String host = parameters.optional("host");
        if (host == null) {
            host = RequestHost.of(request.getProtocol(), request.getHeader("Host"), request.getServerName());
        }
        // Only when some route names hosts does the host matter: then the answer says which one was explained.
        String hostField = router.hasHosts() ? ",\"host\":" + (host == null ? "null" : quote(host)) : "";
        String client = parameters.optional("client");
        RequestInfo info = new ExplainedRequest(request, client == null ? request.getRemoteAddr() : client);
        StringBuilder json = new StringBuilder(512).append("{\"path\":").append(quote(path));
        Route route = router.match(host, path);
        if (route == null) {
            return json.append(",\"route\":null,\"backends\":[],\"next\":null,\"answer\":")
                    .append(quote("404: no route matches this path")).append(hostField).append("}\n").toString();
        }
        BackendPool.Snapshot snapshot = route.pool().snapshot();
        boolean sticky = route.settings().policy() == PolicyName.STICKY_COOKIE;
        json.append(",\"route\":{\"prefix\":").append(quote(route.prefix()))
                .append(",\"policy\":").append(quote(route.settings().policy().configName()))
                .append(",\"backendPath\":").append(quote(route.backendPath(path)))
                .append(",\"whenAllDown\":").append(quote(route.triesAllWhenDown() ? "try-all" : "fail"));
        if (!route.hosts().isEmpty()) {
            json.append(",\"name\":").append(quote(route.name())).append(",\"hosts\":");
            AdminServlet.appendStrings(json, route.hosts());
        }
        json.append("},\"backends\":[");
        String separator = "";
        for (BackendStatus status : snapshot.statuses()) {
            Backend backend = status.backend();
            json.append(separator).append("{\"url\":").append(quote(backend.url()))
                    .append(",\"health\":").append(quote(status.health().name()))
                    .append(",\"adminState\":").append(quote(backend.adminState().configName()))
                    .append(",\"weight\":").append(backend.weight())
                    .append(",\"inFlight\":").append(backend.inFlight())
                    .append(",\"eligible\":").append(snapshot.eligible().contains(backend))
                    .append(",\"pinnedClientsOnly\":").append(sticky && !snapshot.eligible().contains(backend)
                            && snapshot.pinnable().contains(backend))
                    .append(",\"why\":[");
            String inner = "";
            for (String why : whyNot(status, sticky)) {
                json.append(inner).append(quote(why));
                inner = ",";
            }
            json.append("]}");
            separator = ",";
        }
        Backend next = route.peek(info);
        json.append("],\"next\":").append(next == null ? "null" : quote(next.url()))
                .append(",\"exact\":").append(route.policy().peekIsExact())
                .append(",\"answer\":").append(quote(answer(route, snapshot, next, path))).append(hostField);
        return json.append("}\n").toString();
    }

    /** What keeps {@code status}'s backend from a new request; empty when nothing does. */
    private static List<String> whyNot(BackendStatus status, boolean sticky) {
        List<String> why = new ArrayList<>(2);
        if (status.health() == Health.DOWN) {
            why.add("health DOWN: " + status.reason());
        }
        AdminState state = status.backend().adminState();
        if (state == AdminState.DRAIN) {
            why.add("drain: no new requests" + (sticky ? "; sticky-cookie clients pinned to it still reach it" : "")
                    + " (" + status.backend().adminStatus().reason() + ")");
        } else if (state == AdminState.MAINT) {
            why.add("maint: no traffic at all (" + status.backend().adminStatus().reason() + ")");
        }
        return why;
    }

    private static String answer(Route route, BackendPool.Snapshot snapshot, @Nullable Backend next, String path) {
        if (next == null) {
            return "503: no eligible backend";
        }
        String where = "proxied to " + next.url() + route.backendPath(path);
        if (snapshot.eligible().isEmpty() && !snapshot.pinnable().contains(next)) {
            return where + " (no backend is eligible; when-all-down = try-all sends it to a ready one anyway)";
        }
        if (!route.policy().peekIsExact()) {
            return where + " (or another: random two choices draws two backends at random and the less loaded, "
                    + "relative to its weight, wins; this one wins every draw it is in)";
        }
        return where;
    }

    /** The explain request, as the policy sees it. Confined to the request's thread. */
    private static final class ExplainedRequest implements RequestInfo {
        private final HttpServletRequest request;
        private final String client;

        ExplainedRequest(HttpServletRequest request, String client) {
            this.request = request;
            this.client = client;
        }

        @Override
        public @Nullable String header(String name) {
            return request.getHeader(name);
        }

        @Override
        public @Nullable String cookie(String name) {
            return ServletCookies.value(request, name);
        }

        @Override
        public String clientAddress() {
            return client;
        }
    }
}
