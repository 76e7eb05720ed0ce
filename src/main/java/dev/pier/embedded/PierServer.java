package dev.pier.embedded;

import static java.util.Objects.requireNonNull;

import dev.pier.admin.AdminServlet;
import dev.pier.config.ClientLimits;
import dev.pier.config.ServerSettings;
import dev.pier.proxy.PierProxyServlet;
import dev.pier.web.PierListener;
import java.nio.file.Path;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.ee10.websocket.jakarta.server.config.JakartaWebSocketServletContainerInitializer;
import org.eclipse.jetty.http.HttpCompliance;
import org.eclipse.jetty.server.ConnectionLimit;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.handler.GracefulHandler;
import org.eclipse.jetty.server.handler.SecuredRedirectHandler;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * Builds the embedded server: one Jetty connector and one servlet context carrying the same listener and
 * servlets as {@code WEB-INF/web.xml}. Stopping the server is graceful: new connections are refused and
 * in-flight requests get {@code pier.server.shutdown-timeout} to finish. Stateless.
 */
public final class PierServer {

    private PierServer() {
    }

    /**
     * Creates, but does not start, Pier on {@code server}'s address; port 0 picks a free port (see
     * {@link #port} and {@link #httpsPort} once started).
     */
    public static Server create(Path configFile, ServerSettings server) {
        requireNonNull(configFile, "configFile");
        requireNonNull(server, "server");
        // One small pool for everything: the selectors, the requests, the proxy's client. No reserved threads:
        // handing the selector over to a parked spare costs a wake-up per request and keeps more threads warm.
        QueuedThreadPool threads = new QueuedThreadPool(server.threads(), Math.min(4, server.threads()));
        threads.setReservedThreads(0);
        threads.setName("pier-server");
        Server jetty = new Server(threads);

        ClientLimits limits = server.limits();
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Room for what Pier adds to a backend's head, which may be 8 KiB (see the proxy's client).
        http.setResponseHeaderSize(16 * 1024);
        http.setIdleTimeout(limits.bodyIdleTimeout().toMillis());
        // RFC 9110/9112 with no leniency at all: Jetty's default also takes a bare LF as the end of a header line
        // or of a chunk size, which a backend or another proxy in the chain may read differently.
        http.setHttpCompliance(HttpCompliance.STRICT);
        jetty.addBean(new ConnectionLimit(limits.maxConnections(), jetty));
        HeadDeadline deadline = new HeadDeadline(limits.headerTimeout(), jetty.getScheduler());
        jetty.addBean(deadline);
        SslContextFactory.Server tls = Listeners.add(jetty, server, http, deadline);
        if (tls != null && server.tls() != null) {
            jetty.addBean(new CertificateReloader(server.tls(), tls, jetty.getScheduler()));
        }

        ServletContextHandler context = new ServletContextHandler("/");
        context.addEventListener(new PierListener(configFile));
        // The Jakarta WebSocket that a WAR's container provides (WebSocket pass-through upgrades clients with it).
        JakartaWebSocketServletContainerInitializer.configure(context, null);
        // After Pier's listener, whose runtime holds the registry; a WAR has its container's metrics instead.
        context.addEventListener(new ServerMetrics(jetty));
        ServletHolder proxy = new ServletHolder("pier-proxy", PierProxyServlet.class);
        proxy.setInitOrder(1);
        proxy.setAsyncSupported(true);
        // Embedded, the server's pool is Pier's own (pier-server-N): the proxy's client shares it rather than
        // handing every response to a second pool on the same cores ("-" is Jetty's proxy's word for that).
        proxy.setInitParameter("maxThreads", "-");
        context.addServlet(proxy, "/*");
        ServletHolder admin = new ServletHolder("pier-admin", AdminServlet.class);
        admin.setInitOrder(1);
        // GET /_pier/backends/drain waits without a thread.
        admin.setAsyncSupported(true);
        context.addServlet(admin, "/_pier/*");

        Handler served = server.redirectHttp()
                ? new SecuredRedirectHandler(context, HttpStatus.PERMANENT_REDIRECT_308) : context;
        jetty.setHandler(new GracefulHandler(new ClientGuard(served, limits, deadline)));
        jetty.setStopTimeout(server.shutdownTimeout().toMillis());
        return jetty;
    }

    /** The plain HTTP port the server listens on once started, or -1 when it has none. */
    public static int port(Server server) {
        return Listeners.port(server, Listeners.HTTP);
    }

    /** The HTTPS port the server listens on once started, or -1 when it has none. */
    public static int httpsPort(Server server) {
        return Listeners.port(server, Listeners.HTTPS);
    }
}
