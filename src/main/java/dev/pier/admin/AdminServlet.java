package dev.pier.admin;

import dev.pier.backend.BackendStatus;
import dev.pier.observe.Metrics;
import dev.pier.observe.Observer;
import dev.pier.routing.Route;
import dev.pier.web.PierRuntime;
import dev.pier.web.ReloadOutcome;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Pier's own endpoints, mapped to {@code /_pier/*}:
 * <ul>
 * <li>{@code GET /_pier/health}: 200 while Pier serves;</li>
 * <li>{@code GET /_pier/ready}: 503 until every backend has had its first probe, then 200;</li>
 * <li>{@code GET /_pier/status}: every route and backend with its health, as JSON;</li>
 * <li>{@code GET /_pier/} (or {@code /_pier/dashboard}): the same, as an HTML page ({@link Dashboard});</li>
 * <li>{@code GET /_pier/metrics}: every metric in Prometheus's text format, or OpenMetrics when {@code Accept}
 * asks for it; 404 when metrics are off;</li>
 * <li>{@code POST /_pier/reload}: reads the configuration file again and swaps it in when valid (200), else
 * answers 422 with every problem, each with its file, line and key, and keeps the running configuration;</li>
 * <li>{@code POST /_pier/backends/state} and {@code /_pier/backends/weight}: steer a backend ({@link Steering});</li>
 * <li>{@code GET /_pier/backends/drain}: waits for a backend to have no request in flight ({@link DrainWait});</li>
 * <li>{@code GET /_pier/explain}: where a request for a path would go, and why ({@link Explain}).</li>
 * </ul>
 * Health, readiness, status and the dashboard are open; the other endpoints answer 403 unless {@link AdminAccess} allows the
 * client. Bad input gets 400, an unknown route or backend 404, each with a message. Thread-safe.
 */
public final class AdminServlet extends HttpServlet {

    private static final Logger logger = LoggerFactory.getLogger(AdminServlet.class);
    private static final Set<String> POSTS = Set.of("/reload", "/backends/state", "/backends/weight");

    private @Nullable PierRuntime runtime;

    @Override
    public void init() throws ServletException {
        runtime = PierRuntime.from(getServletContext());
        if (runtime == null) {
            throw new UnavailableException("Pier's runtime is missing from the servlet context: "
                    + "dev.pier.web.PierListener did not start");
        }
    }

    @Override
    protected void doGet(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PierRuntime pier = runtime;
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        switch (path) {
            case "/health" -> send(response, 200, "text/plain", "ok\n");
            case "/ready" -> {
                boolean ready = pier != null && pier.ready();
                send(response, ready ? 200 : 503, "text/plain", ready ? "ready\n" : "not ready: backends not probed yet\n");
            }
            case "/status" -> send(response, 200, "application/json", status(pier));
            case "/", "/dashboard" -> Dashboard.serve(request, response, status(pier));
            case "/metrics" -> metrics(request, response, pier);
            case "/explain", "/backends/drain" -> {
                if (pier != null && allowed(pier, request, response)) {
                    answerErrors(response, () -> {
                        AdminParameters parameters = AdminParameters.of(request);
                        if (path.equals("/explain")) {
                            send(response, 200, "application/json", Explain.json(pier.router(), request, parameters));
                        } else {
                            Steering.drain(pier, request, response, parameters);
                        }
                    });
                }
            }
            default -> {
                if (POSTS.contains(path)) {
                    response.setHeader("Allow", "POST");
                    send(response, 405, "text/plain", "POST /_pier" + path + " only\n");
                } else {
                    send(response, 404, "text/plain", "Unknown Pier endpoint; try /_pier/status\n");
                }
            }
        }
    }

    /** Runs an admin endpoint, answering its {@link AdminError} with the error's status and message. */
    private static void answerErrors(HttpServletResponse response, Endpoint endpoint)
            throws IOException {
        try {
            endpoint.run();
        } catch (AdminError e) {
            send(response, e.status(), "text/plain", e.getMessage() + "\n");
        }
    }

    /** An admin endpoint's body. */
    @FunctionalInterface
    private interface Endpoint {
        void run() throws IOException;
    }

    /** Whether {@code pier}'s access rules allow the client; when not, answers 403 and logs the refusal. */
    private static boolean allowed(PierRuntime pier, HttpServletRequest request, HttpServletResponse response)
            throws IOException {
        // The access rules of the running configuration, read once.
        AdminAccess access = new AdminAccess(pier.settings().admin());
        if (access.allows(request.getRemoteAddr(), request.getHeader("Authorization"))) {
            return true;
        }
        logger.warn("Refused {} {} from {}: not loopback, not in pier.admin.allow, no valid bearer token",
                request.getMethod(), request.getRequestURI(), request.getRemoteAddr());
        send(response, 403, "text/plain", "Forbidden: this endpoint answers loopback clients, the addresses in "
                + "pier.admin.allow and clients presenting pier.admin.token as a bearer token\n");
        return false;
    }

    @Override
    protected void doPost(HttpServletRequest request, HttpServletResponse response) throws IOException {
        PierRuntime pier = runtime;
        String path = request.getPathInfo() == null ? "/" : request.getPathInfo();
        if (!POSTS.contains(path) || pier == null) {
            send(response, 404, "text/plain", "Unknown Pier endpoint; try POST /_pier/reload\n");
            return;
        }
        if (!allowed(pier, request, response)) {
            return;
        }
        if (!path.equals("/reload")) {
            answerErrors(response, () -> {
                AdminParameters parameters = AdminParameters.of(request);
                send(response, 200, "application/json", path.equals("/backends/state")
                        ? Steering.state(pier, request, parameters) : Steering.weight(pier, request, parameters));
            });
            return;
        }
        ReloadOutcome outcome = pier.reload();
        if (outcome.applied()) {
            send(response, 200, "text/plain", "reloaded: " + outcome.message() + "\n");
        } else {
            send(response, 422, "text/plain", outcome.message() + "\nStill serving the previous configuration.\n");
        }
    }

    private static void metrics(HttpServletRequest request, HttpServletResponse response, @Nullable PierRuntime pier)
            throws IOException {
        Metrics metrics = pier == null ? null : pier.metrics();
        if (metrics == null) {
            send(response, 404, "text/plain", "Metrics are off (pier.metrics.enabled = false)\n");
            return;
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream(16 * 1024);
        String type = metrics.scrape(request.getHeader("Accept"), body);
        response.setStatus(200);
        response.setContentType(type);
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(body.size());
        body.writeTo(response.getOutputStream());
    }

    static String status(@Nullable PierRuntime pier) {
        StringBuilder json = new StringBuilder(256).append("{\"ready\":").append(pier != null && pier.ready())
                .append(",\"routes\":[");
        if (pier != null) {
            String separator = "";
            PierRuntime.Routing routing = pier.routing();
            Observer observer = routing.observer();
            for (Route route : routing.router().routes()) {
                json.append(separator).append("{\"prefix\":").append(quote(route.prefix()))
                        .append(",\"name\":").append(quote(route.name())).append(",\"hosts\":");
                appendStrings(json, route.hosts());
                json.append(",\"policy\":").append(quote(route.settings().policy().configName()))
                        .append(",\"retries\":").append(route.retried())
                        .append(",\"backends\":[");
                String inner = "";
                for (BackendStatus status : route.pool().snapshot().statuses()) {
                    json.append(inner).append("{\"url\":").append(quote(status.backend().url()))
                            .append(",\"weight\":").append(status.backend().weight())
                            .append(",\"inFlight\":").append(status.backend().inFlight())
                            .append(",\"health\":").append(quote(status.health().name()))
                            .append(",\"reason\":").append(quote(status.reason()))
                            .append(",\"since\":").append(quote(status.since().toString()));
                    observer.appendStatus(json, route, status.backend());
                    SteeringStatus.append(json, status.backend());
                    json.append('}');
                    inner = ",";
                }
                json.append("]}");
                separator = ",";
            }
        }
        json.append(']');
        if (pier != null) {
            json.append(",\"reloads\":{\"applied\":").append(pier.reloadsApplied())
                    .append(",\"rejected\":").append(pier.reloadsRejected())
                    .append(",\"lastRejection\":").append(quote(pier.lastRejection())).append('}');
        }
        return json.append("}\n").toString();
    }

    /** Appends {@code texts} as a JSON array of strings. */
    static void appendStrings(StringBuilder json, List<String> texts) {
        json.append('[');
        for (int i = 0; i < texts.size(); i++) {
            json.append(i == 0 ? "" : ",").append(quote(texts.get(i)));
        }
        json.append(']');
    }

    static String quote(String text) {
        StringBuilder quoted = new StringBuilder(text.length() + 2).append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> quoted.append("\\\"");
                case '\\' -> quoted.append("\\\\");
                case '\n' -> quoted.append("\\n");
                case '\r' -> quoted.append("\\r");
                case '\t' -> quoted.append("\\t");
                default -> {
                    if (c < 0x20) {
                        quoted.append(String.format("\\u%04x", (int) c));
                    } else {
                        quoted.append(c);
                    }
                }
            }
        }
        return quoted.append('"').toString();
    }

    static void send(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type + ";charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
