package dev.pier.admin;

import dev.pier.web.PierRuntime;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * {@code GET /_pier/} and {@code /_pier/dashboard}: one self-contained HTML page of every route and backend. The
 * server renders it from the very JSON that {@code GET /_pier/status} answers, so it reads without JavaScript and
 * never disagrees with the status; the page's script then fetches that JSON every 2 s and renders the same rows
 * again. The template is the resource {@code dashboard.html}, read once. Stateless and thread-safe.
 */
final class Dashboard {

    private static final String TEMPLATE = template();
    private static final String ROUTES = "<!--routes-->";

    private Dashboard() {
    }

    /** Answers the page; {@code /_pier} without its slash is redirected, so the page's relative links resolve. */
    static void serve(HttpServletRequest request, HttpServletResponse response, String status) throws IOException {
        if (request.getPathInfo() == null) {
            response.sendRedirect(request.getRequestURI() + "/");
            return;
        }
        response.setHeader("Content-Security-Policy",
                "default-src 'none'; style-src 'unsafe-inline'; script-src 'unsafe-inline'; connect-src 'self'; "
                        + "img-src 'self' data:; form-action 'self'; frame-ancestors 'none'");
        AdminServlet.send(response, 200, "text/html", page(status));
    }

    /** The page for {@code status}, the text of {@code GET /_pier/status}. */
    static String page(String status) {
        return TEMPLATE.replace(ROUTES, routes(status));
    }

    /** The routes section: what the page's script renders too, row for row (keep the two alike). */
    @SuppressWarnings("unchecked")
    static String routes(String status) {
        Map<String, Object> root = (Map<String, Object>) new Json(status).value();
        StringBuilder html = new StringBuilder(4096);
        for (Object item : (List<Object>) root.get("routes")) {
            Map<String, Object> route = (Map<String, Object>) item;
            // The route's name: its prefix, unless it names hosts or a name of its own; what route= takes.
            String prefix = text(route.getOrDefault("name", route.get("prefix")));
            html.append("<section class=\"route\"><h2>").append(escape(prefix)).append(" <small>")
                    .append(escape(text(route.get("policy")))).append("</small></h2>")
                    .append("<table><thead><tr><th>backend</th><th>state</th><th>in flight</th>"
                            + "<th>requests</th><th>p50 ms</th><th>p99 ms</th><th>5xx</th><th>probes</th>"
                            + "<th>drain</th><th>steer</th></tr></thead><tbody>");
            for (Object each : (List<Object>) route.get("backends")) {
                row(html, prefix, (Map<String, Object>) each);
            }
            html.append("</tbody></table></section>");
        }
        return html.toString();
    }

    @SuppressWarnings("unchecked")
    private static void row(StringBuilder html, String prefix, Map<String, Object> backend) {
        String url = text(backend.get("url"));
        String health = text(backend.get("health")).toLowerCase(java.util.Locale.ROOT);
        String admin = text(backend.get("adminState"));
        Map<String, Object> latency = map(backend.get("latency"));
        Map<String, Object> counts = map(backend.get("counts"));
        long total = 0;
        for (Object count : counts.values()) {
            total += ((Number) count).longValue();
        }
        html.append("<tr class=\"backend h-").append(escape(health)).append(" a-").append(escape(admin))
                .append("\" data-url=\"").append(escape(url)).append("\" data-health=\"").append(escape(health))
                .append("\" data-admin=\"").append(escape(admin)).append("\">")
                .append("<td class=\"url\">").append(escape(url)).append("</td>")
                .append("<td class=\"state\" title=\"").append(escape(text(backend.get("reason")))).append("\">")
                .append(escape(health)).append(" · ").append(escape(admin)).append("</td>")
                .append("<td class=\"num\">").append(number(backend.get("inFlight"))).append("</td>")
                .append("<td class=\"num rate\" data-total=\"").append(total).append("\">").append(total)
                .append(" total</td>")
                .append("<td class=\"num\">").append(number(latency.get("p50"))).append("</td>")
                .append("<td class=\"num\">").append(number(latency.get("p99"))).append("</td>")
                .append("<td class=\"num errors\">").append(number(counts.get("5xx"))).append("</td>")
                .append("<td class=\"probes\">");
        Object probes = backend.get("probes");
        for (Object each : probes instanceof List<?> list ? list : List.of()) {
            Map<String, Object> probe = (Map<String, Object>) each;
            boolean healthy = Boolean.TRUE.equals(probe.get("healthy"));
            html.append("<i class=\"").append(healthy ? "ok" : "bad").append("\" title=\"")
                    .append(escape(text(probe.get("time")) + " " + number(probe.get("durationMs")) + " ms "
                            + text(probe.get("reason"))))
                    .append("\"></i>");
        }
        html.append("</td><td class=\"drain\">").append(escape(drain(backend.get("drain")))).append("</td>")
                .append("<td class=\"steer\">");
        for (String state : List.of("drain", "maint", "ready")) {
            html.append("<form method=\"post\" action=\"backends/state\">")
                    .append("<input type=\"hidden\" name=\"backend\" value=\"").append(escape(url)).append("\">")
                    .append("<input type=\"hidden\" name=\"route\" value=\"").append(escape(prefix)).append("\">")
                    .append("<button name=\"state\" value=\"").append(state).append("\" class=\"do-").append(state)
                    .append('"').append(state.equals(admin) ? " disabled" : "").append('>')
                    .append(Character.toUpperCase(state.charAt(0))).append(state.substring(1))
                    .append("</button></form>");
        }
        html.append("</td></tr>");
    }

    /** "draining, 2 in flight", "drained", or "" for a ready backend: as the page's script writes it. */
    private static String drain(@Nullable Object drain) {
        if (!(drain instanceof Map<?, ?> progress)) {
            return "";
        }
        return Boolean.TRUE.equals(progress.get("drained")) ? "drained"
                : "draining, " + number(progress.get("inFlight")) + " in flight";
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> map(@Nullable Object value) {
        return value instanceof Map<?, ?> ? (Map<String, Object>) value : Map.of();
    }

    private static String text(@Nullable Object value) {
        return value == null ? "" : value.toString();
    }

    private static String number(@Nullable Object value) {
        if (value == null) {
            return "";
        }
        double number = ((Number) value).doubleValue();
        return number == Math.rint(number) ? Long.toString((long) number) : String.format("%.1f", number);
    }

    /** {@code text} safe inside an element or a quoted attribute. */
    static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 16);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '&' -> out.append("&amp;");
                case '<' -> out.append("&lt;");
                case '>' -> out.append("&gt;");
                case '"' -> out.append("&quot;");
                case '\'' -> out.append("&#39;");
                default -> out.append(c);
            }
        }
        return out.toString();
    }

    private static String template() {
        try (InputStream in = Dashboard.class.getResourceAsStream("dashboard.html")) {
            if (in == null) {
                throw new IllegalStateException("dev/pier/admin/dashboard.html is missing from the classpath");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /**
     * Reads the status JSON, which Pier wrote itself, into maps, lists, strings, doubles, booleans and nulls.
     * Confined to the caller's thread.
     */
    private static final class Json {

        private final String text;
        private int at;

        Json(String text) {
            this.text = text;
        }

        @Nullable Object value() {
            space();
            char c = text.charAt(at);
            switch (c) {
                case '{' -> {
                    Map<String, Object> members = new LinkedHashMap<>();
                    at++;
                    while (space() != '}') {
                        String name = string();
                        space();
                        at++; // ':'
                        members.put(name, value());
                        if (space() == ',') {
                            at++;
                        }
                    }
                    at++;
                    return members;
                }
                case '[' -> {
                    List<Object> items = new ArrayList<>();
                    at++;
                    while (space() != ']') {
                        items.add(value());
                        if (space() == ',') {
                            at++;
                        }
                    }
                    at++;
                    return items;
                }
                case '"' -> {
                    return string();
                }
                default -> {
                    int start = at;
                    while (at < text.length() && "+-.0123456789eEtrufalsn".indexOf(text.charAt(at)) >= 0) {
                        at++;
                    }
                    String word = text.substring(start, at);
                    return switch (word) {
                        case "null" -> null;
                        case "true" -> Boolean.TRUE;
                        case "false" -> Boolean.FALSE;
                        default -> Double.valueOf(word);
                    };
                }
            }
        }

        private char space() {
            while (Character.isWhitespace(text.charAt(at))) {
                at++;
            }
            return text.charAt(at);
        }

        private String string() {
            StringBuilder value = new StringBuilder();
            at++; // '"'
            for (char c = text.charAt(at++); c != '"'; c = text.charAt(at++)) {
                if (c == '\\') {
                    char escaped = text.charAt(at++);
                    switch (escaped) {
                        case 'n' -> value.append('\n');
                        case 'r' -> value.append('\r');
                        case 't' -> value.append('\t');
                        case 'u' -> {
                            value.append((char) Integer.parseInt(text.substring(at, at + 4), 16));
                            at += 4;
                        }
                        default -> value.append(escaped);
                    }
                } else {
                    value.append(c);
                }
            }
            return value.toString();
        }
    }
}
