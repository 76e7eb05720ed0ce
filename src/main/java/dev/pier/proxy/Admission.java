package dev.pier.proxy;

import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.Pipeline;
import dev.pier.pipeline.RequestContext;
import dev.pier.routing.RequestHost;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * The way in, up to the choice of a backend: the pipeline's stages before routing, routing, the route's body
 * limit, the route's stages. Whatever answers here answers before the body is read or a backend is asked.
 * Stateless.
 */
final class Admission {

    private static final String CONNECTION = HttpHeader.CONNECTION.asString();
    private static final String HOST = HttpHeader.HOST.asString();

    private Admission() {
    }

    /**
     * @param path the normalised path, or null when it was refused
     * @return null to go on to a backend (the context then names the route), else Pier's own answer
     */
    static @Nullable LocalReply admit(HttpServletRequest request, Router router, Pipeline pipeline,
                                      RequestContext context, @Nullable String path) {
        LocalReply reply = pipeline.beforeRouting(context);
        if (reply != null) {
            return reply;
        }
        if ("CONNECT".equals(request.getMethod())) {
            // A CONNECT connection would otherwise stay open waiting for a tunnel.
            return LocalReply.text(HttpServletResponse.SC_METHOD_NOT_ALLOWED, "MN",
                    "Pier does not tunnel CONNECT requests", context).withHeader(CONNECTION, "close");
        }
        if (path == null) {
            return LocalReply.text(HttpServletResponse.SC_BAD_REQUEST, "BP", "Bad request path", context);
        }
        // Without host routes the host does not matter: it is not even looked up.
        Route route = router.match(router.hasHosts() ? host(request) : null, path);
        if (route == null) {
            return LocalReply.text(HttpServletResponse.SC_NOT_FOUND, "NR",
                    router.hasHosts() ? "No route for this host and path" : "No route for this path", context);
        }
        context.route(route);
        long maxBody = route.settings().maxBodySize();
        if (maxBody >= 0 && request.getContentLengthLong() > maxBody) {
            // The body is never read: the connection cannot carry another request.
            return LocalReply.text(HttpServletResponse.SC_REQUEST_ENTITY_TOO_LARGE, "TL",
                    "Request body larger than " + maxBody + " bytes, this route's limit", context)
                    .withHeader(CONNECTION, "close");
        }
        return pipeline.afterRouting(context);
    }

    /** The host that routes {@code request}, or null when it named none: see {@link RequestHost}. */
    static @Nullable String host(HttpServletRequest request) {
        return RequestHost.of(request.getProtocol(), request.getHeader(HOST), request.getServerName());
    }

    /** Every backend of the route down: 503, to come back after one check interval. */
    static LocalReply noBackend(RequestContext context) {
        Route route = context.route();
        String name = route == null ? "" : route.name();
        long seconds = route == null ? 1 : Math.max(1, route.settings().healthCheck().interval().toSeconds());
        return LocalReply.text(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UH", "No healthy backend for route "
                + name, context).withHeader(HttpHeader.RETRY_AFTER.asString(), Long.toString(seconds));
    }
}
