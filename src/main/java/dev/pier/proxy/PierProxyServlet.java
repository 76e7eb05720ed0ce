package dev.pier.proxy;

import dev.pier.backend.Backend;
import dev.pier.config.ProxySettings;
import dev.pier.routing.Route;
import dev.pier.web.PierRuntime;
import jakarta.servlet.ServletConfig;
import jakarta.servlet.ServletException;
import jakarta.servlet.UnavailableException;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.Enumeration;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.ee10.proxy.AsyncProxyServlet;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.URIUtil;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jspecify.annotations.Nullable;

/**
 * Pier's proxy: Jetty's non-blocking {@link AsyncProxyServlet} whose target is a backend that the request's
 * route chooses. Bodies stream both ways. The target is always one of the configured backends, so Pier is never
 * an open proxy: a request's authority (even in absolute form) is ignored and only its path routes it.
 *
 * <p>Answers of its own: 400 for a path that escapes the root, 404 when no route matches, 503 with
 * {@code Retry-After} when every backend of the route is down, 504 when the backend is slower than the route's
 * request timeout, 502 for any other failure talking to the backend. Thread-safe, as servlets are.
 */
public final class PierProxyServlet extends AsyncProxyServlet {

    private static final String ROUTE_ATTRIBUTE = "dev.pier.proxy.route";
    private static final String REJECTION_ATTRIBUTE = "dev.pier.proxy.rejection";

    private @Nullable PierRuntime runtime;

    @Override
    public void init(ServletConfig config) throws ServletException {
        PierRuntime found = PierRuntime.from(config.getServletContext());
        if (found == null) {
            throw new UnavailableException("Pier's runtime is missing from the servlet context (attribute "
                    + PierRuntime.ATTRIBUTE + "): declare dev.pier.web.PierListener before this servlet; "
                    + "if it is declared, its start-up failed and logged why");
        }
        runtime = found;
        super.init(new ProxyServletConfig(config, found.settings().proxy()));
    }

    private PierRuntime runtime() {
        PierRuntime current = runtime;
        if (current == null) {
            throw new IllegalStateException("not initialized");
        }
        return current;
    }

    @Override
    protected HttpClient newHttpClient(ClientConnector clientConnector) {
        HttpClient client = super.newHttpClient(clientConnector);
        client.setScheduler(new ScheduledExecutorScheduler(getServletName() + "-scheduler", true));
        ProxySettings settings = runtime().settings().proxy();
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        // Pass the client's User-Agent through unchanged; add none when it sent none.
        client.setUserAgentField(null);
        return client;
    }

    @Override
    protected void service(HttpServletRequest request, HttpServletResponse response)
            throws ServletException, IOException {
        if ("CONNECT".equals(request.getMethod())) {
            // A CONNECT connection would otherwise stay open waiting for a tunnel.
            response.setHeader(HttpHeader.CONNECTION.asString(), "close");
            reject(response, HttpServletResponse.SC_METHOD_NOT_ALLOWED, "Pier does not tunnel CONNECT requests");
            return;
        }
        super.service(request, response);
    }

    @Override
    protected @Nullable String rewriteTarget(HttpServletRequest request) {
        String path = pathOf(request);
        if (path == null) {
            request.setAttribute(REJECTION_ATTRIBUTE, Rejection.BAD_PATH);
            return null;
        }
        Route route = runtime().router().match(path);
        if (route == null) {
            request.setAttribute(REJECTION_ATTRIBUTE, Rejection.NO_ROUTE);
            return null;
        }
        Backend backend = route.select(new ServletRequestInfo(request));
        if (backend == null) {
            request.setAttribute(ROUTE_ATTRIBUTE, route);
            request.setAttribute(REJECTION_ATTRIBUTE, Rejection.ALL_DOWN);
            return null;
        }
        request.setAttribute(ROUTE_ATTRIBUTE, route);
        String backendPath = route.backendPath(path);
        String query = request.getQueryString();
        StringBuilder target = new StringBuilder(backend.url().length() + backendPath.length()
                + (query == null ? 0 : query.length() + 1));
        target.append(backend.url()).append(backendPath);
        if (query != null) {
            target.append('?').append(query);
        }
        return target.toString();
    }

    /**
     * The request's path as sent (still percent-encoded), without the context path, with {@code .} and
     * {@code ..} segments resolved; null when it would climb above the root or hides a dot segment in
     * percent-encoding.
     */
    static @Nullable String pathOf(HttpServletRequest request) {
        String uri = request.getRequestURI();
        String context = request.getContextPath();
        String path = context.isEmpty() || !uri.startsWith(context) ? uri : uri.substring(context.length());
        if (path.isEmpty()) {
            return "/";
        }
        if (path.charAt(0) != '/') {
            return null;
        }
        String canonical = URIUtil.normalizePath(path);
        if (canonical == null) {
            return null;
        }
        if (canonical.indexOf('%') >= 0 && hasDotSegment(URIUtil.decodePath(canonical))) {
            return null;
        }
        return canonical;
    }

    private static boolean hasDotSegment(String path) {
        int start = 0;
        while (start <= path.length()) {
            int end = path.indexOf('/', start);
            if (end < 0) {
                end = path.length();
            }
            int length = end - start;
            if ((length == 1 && path.charAt(start) == '.')
                    || (length == 2 && path.charAt(start) == '.' && path.charAt(start + 1) == '.')) {
                return true;
            }
            start = end + 1;
        }
        return false;
    }

    @Override
    protected void onProxyRewriteFailed(HttpServletRequest request, HttpServletResponse response) {
        Rejection rejection = (Rejection) request.getAttribute(REJECTION_ATTRIBUTE);
        if (rejection == Rejection.ALL_DOWN) {
            Route route = (Route) request.getAttribute(ROUTE_ATTRIBUTE);
            long seconds = Math.max(1, route.settings().healthCheck().interval().toSeconds());
            response.setHeader(HttpHeader.RETRY_AFTER.asString(), Long.toString(seconds));
            reject(response, HttpServletResponse.SC_SERVICE_UNAVAILABLE,
                    "No healthy backend for route " + route.prefix());
        } else if (rejection == Rejection.NO_ROUTE) {
            reject(response, HttpServletResponse.SC_NOT_FOUND, "No route for this path");
        } else {
            reject(response, HttpServletResponse.SC_BAD_REQUEST, "Bad request path");
        }
    }

    private void reject(HttpServletResponse response, int status, String message) {
        try {
            response.setStatus(status);
            response.setContentType("text/plain;charset=utf-8");
            byte[] body = (message + "\n").getBytes(StandardCharsets.UTF_8);
            response.setContentLength(body.length);
            response.getOutputStream().write(body);
        } catch (IOException e) {
            _log.debug("Cannot send {} to the client", status, e);
        }
    }

    @Override
    protected void sendProxyRequest(HttpServletRequest clientRequest, HttpServletResponse proxyResponse,
                                    Request proxyRequest) {
        Route route = (Route) clientRequest.getAttribute(ROUTE_ATTRIBUTE);
        if (route != null) {
            proxyRequest.timeout(route.requestTimeoutMillis(), TimeUnit.MILLISECONDS);
        }
        super.sendProxyRequest(clientRequest, proxyResponse, proxyRequest);
    }

    @Override
    protected void addProxyHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        super.addProxyHeaders(clientRequest, proxyRequest);
        String forwardedFor = clientRequest.getRemoteAddr();
        Enumeration<String> earlier = clientRequest.getHeaders("X-Forwarded-For");
        if (earlier != null && earlier.hasMoreElements()) {
            StringBuilder chain = new StringBuilder();
            while (earlier.hasMoreElements()) {
                chain.append(earlier.nextElement()).append(", ");
            }
            forwardedFor = chain.append(forwardedFor).toString();
        }
        String forwardedHost = clientRequest.getHeader(HttpHeader.HOST.asString());
        String forwardedProto = clientRequest.getScheme();
        String value = forwardedFor;
        proxyRequest.headers(headers -> {
            headers.put(HttpHeader.X_FORWARDED_FOR, value);
            headers.put(HttpHeader.X_FORWARDED_PROTO, forwardedProto);
            if (forwardedHost != null) {
                headers.put(HttpHeader.X_FORWARDED_HOST, forwardedHost);
            } else {
                headers.remove(HttpHeader.X_FORWARDED_HOST);
            }
        });
    }

    /** Why a request was not proxied. */
    private enum Rejection {
        BAD_PATH, NO_ROUTE, ALL_DOWN
    }
}
