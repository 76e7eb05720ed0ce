package dev.pier.admin;

import dev.pier.backend.BackendStatus;
import dev.pier.routing.Route;
import dev.pier.web.PierRuntime;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServlet;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/**
 * Pier's own endpoints, mapped to {@code /_pier/*}:
 * <ul>
 * <li>{@code GET /_pier/health}: 200 while Pier serves;</li>
 * <li>{@code GET /_pier/ready}: 503 until every backend has had its first probe, then 200;</li>
 * <li>{@code GET /_pier/status}: every route and backend with its health, as JSON.</li>
 * </ul>
 * Thread-safe.
 */
public final class AdminServlet extends HttpServlet {

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
            default -> send(response, 404, "text/plain", "Unknown Pier endpoint; try /_pier/status\n");
        }
    }

    private static String status(@Nullable PierRuntime pier) {
        StringBuilder json = new StringBuilder(256).append("{\"ready\":").append(pier != null && pier.ready())
                .append(",\"routes\":[");
        if (pier != null) {
            String separator = "";
            for (Route route : pier.router().routes()) {
                json.append(separator).append("{\"prefix\":").append(quote(route.prefix()))
                        .append(",\"policy\":").append(quote(route.settings().policy().configName()))
                        .append(",\"backends\":[");
                String inner = "";
                for (BackendStatus status : route.pool().snapshot().statuses()) {
                    json.append(inner).append("{\"url\":").append(quote(status.backend().url()))
                            .append(",\"weight\":").append(status.backend().weight())
                            .append(",\"health\":").append(quote(status.health().name()))
                            .append(",\"reason\":").append(quote(status.reason()))
                            .append(",\"since\":").append(quote(status.since().toString())).append('}');
                    inner = ",";
                }
                json.append("]}");
                separator = ",";
            }
        }
        return json.append("]}\n").toString();
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

    private static void send(HttpServletResponse response, int status, String type, String body) throws IOException {
        byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
        response.setStatus(status);
        response.setContentType(type + ";charset=utf-8");
        response.setHeader("Cache-Control", "no-store");
        response.setContentLength(bytes.length);
        response.getOutputStream().write(bytes);
    }
}
