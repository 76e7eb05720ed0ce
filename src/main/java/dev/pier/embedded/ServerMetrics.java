package dev.pier.embedded;

import static java.util.Objects.requireNonNull;

import dev.pier.observe.Metrics;
import dev.pier.web.PierRuntime;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.binder.jetty.JettyConnectionMetrics;
import io.micrometer.core.instrument.binder.jetty.JettyServerThreadPoolMetrics;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The embedded server's own metrics, in the runtime's registry: its thread pool ({@code jetty_threads_*}) and its
 * connections ({@code jetty_connections_*}, bytes in and out). Registered after {@link dev.pier.web.PierListener},
 * so that the runtime is there; its connection listener joins the connector before the connector starts (Jetty
 * starts its connectors after its handlers). A WAR has the container's own instead. Thread-safe: the binder is
 * written and read on the server's start and stop.
 */
final class ServerMetrics implements ServletContextListener {

    private static final Logger logger = LoggerFactory.getLogger(ServerMetrics.class);

    private final Server server;
    private volatile @Nullable JettyServerThreadPoolMetrics threads;

    ServerMetrics(Server server) {
        this.server = requireNonNull(server, "server");
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        PierRuntime runtime = PierRuntime.from(event.getServletContext());
        Metrics metrics = runtime == null ? null : runtime.metrics();
        if (metrics == null) {
            return;
        }
        JettyServerThreadPoolMetrics pool = new JettyServerThreadPoolMetrics(server.getThreadPool(), Tags.empty());
        pool.bindTo(metrics.registry());
        threads = pool;
        for (Connector connector : server.getConnectors()) {
            connector.addBean(new JettyConnectionMetrics(metrics.registry(), connector));
        }
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        JettyServerThreadPoolMetrics pool = threads;
        threads = null;
        if (pool != null) {
            try {
                pool.close();
            } catch (Exception e) {
                logger.debug("Cannot unbind the thread pool's metrics", e);
            }
        }
        for (Connector connector : server.getConnectors()) {
            for (JettyConnectionMetrics bean : connector.getBeans(JettyConnectionMetrics.class)) {
                connector.removeBean(bean);
            }
        }
    }
}
