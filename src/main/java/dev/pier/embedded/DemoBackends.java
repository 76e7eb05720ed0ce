package dev.pier.embedded;

import dev.pier.config.BackendSettings;
import dev.pier.config.PierSettings;
import dev.pier.config.RouteSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * For {@code --demo}: one small HTTP server on each loopback http backend address of the configuration, each
 * answering every request with its own name. Not thread-safe: started and stopped by the launcher's thread.
 */
final class DemoBackends implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(DemoBackends.class);

    private final List<Server> servers = new ArrayList<>();

    /** Starts a demo backend on every loopback http backend address that {@code settings} names. */
    static DemoBackends start(PierSettings settings) throws Exception {
        Map<String, BackendSettings> addresses = new LinkedHashMap<>();
        for (RouteSettings route : settings.routes()) {
            for (BackendSettings backend : route.backends()) {
                if (backend.scheme().equals("http") && loopback(backend.host())) {
                    addresses.putIfAbsent(backend.url(), backend);
                }
            }
        }
        DemoBackends demo = new DemoBackends();
        try {
            int n = 0;
            for (BackendSettings backend : addresses.values()) {
                demo.startOne("backend-" + (++n), backend);
            }
        } catch (Exception e) {
            demo.close();
            throw e;
        }
        return demo;
    }

    private static boolean loopback(String host) {
        try {
            return InetAddress.getByName(host).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }

    private void startOne(String name, BackendSettings backend) throws Exception {
        QueuedThreadPool threads = new QueuedThreadPool(8, 1);
        threads.setName("pier-demo-" + name);
        Server server = new Server(threads);
        ServerConnector connector = new ServerConnector(server, 1, 1);
        connector.setHost(backend.host());
        connector.setPort(backend.port());
        server.addConnector(connector);
        String greeting = "Hello from " + name + " (" + backend.url() + ")";
        server.setHandler(new Handler.Abstract.NonBlocking() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) {
                String body = greeting + ": " + request.getMethod() + " " + request.getHttpURI().getPathQuery() + "\n";
                response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
                response.getHeaders().put("X-Demo-Backend", name);
                response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
                return true;
            }
        });
        try {
            server.start();
        } catch (Exception e) {
            server.stop();
            throw new IllegalStateException("cannot start demo " + name + " on " + backend.url()
                    + " (is something else listening there?)", e);
        }
        servers.add(server);
        logger.info("Demo {} listening on {}", name, backend.url());
    }

    @Override
    public void close() {
        for (Server server : servers) {
            try {
                server.stop();
            } catch (Exception e) {
                logger.warn("Failed to stop a demo backend", e);
            }
        }
        servers.clear();
    }
}
