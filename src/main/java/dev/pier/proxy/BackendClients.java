package dev.pier.proxy;

import dev.pier.config.BackendTls;
import dev.pier.tls.ClientContexts;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.io.ClientConnector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's HTTP clients: Jetty's own for routes with the default TLS settings, and one more per distinct TLS
 * profile (a private CA, a client certificate, a server name), made when a route first needs it and sharing the
 * main client's threads, scheduler and limits. Thread-safe: a concurrent map; a client is started once.
 */
final class BackendClients implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(BackendClients.class);

    private final HttpClient main;
    private final Function<ClientConnector, HttpClient> factory;
    private final Map<BackendTls, HttpClient> byProfile = new ConcurrentHashMap<>();

    /**
     * @param main the client of the default profile, started
     * @param factory makes a client like {@code main} on a connector (the servlet's {@code newHttpClient})
     */
    BackendClients(HttpClient main, Function<ClientConnector, HttpClient> factory) {
        this.main = main;
        this.factory = factory;
    }

    /** The client for backends with {@code tls}. */
    HttpClient forProfile(BackendTls tls) {
        return tls.isDefault() ? main : byProfile.computeIfAbsent(tls, this::start);
    }

    private HttpClient start(BackendTls tls) {
        if (!tls.verify()) {
            logger.warn("TLS to backends without verification (tls.verify = false): any certificate is accepted; "
                    + "use it for tests only");
        }
        ClientConnector connector = new ClientConnector();
        connector.setSslContextFactory(ClientContexts.create(tls.trust(), tls.certificate(), tls.key(),
                tls.serverName(), tls.verify()));
        connector.setConnectTimeout(java.time.Duration.ofMillis(main.getConnectTimeout()));
        connector.setIdleTimeout(java.time.Duration.ofMillis(main.getIdleTimeout()));
        connector.setSelectors(1);
        HttpClient client = factory.apply(connector);
        client.setExecutor(main.getExecutor());
        client.setMaxConnectionsPerDestination(main.getMaxConnectionsPerDestination());
        client.setIdleTimeout(main.getIdleTimeout());
        client.setRequestBufferSize(main.getRequestBufferSize());
        client.setResponseBufferSize(main.getResponseBufferSize());
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the HTTP client of a TLS profile", e);
        }
        return client;
    }

    /** Stops the clients of the TLS profiles; the main one is Jetty's to stop. */
    @Override
    public void close() {
        for (HttpClient client : byProfile.values()) {
            try {
                client.stop();
            } catch (Exception e) {
                logger.warn("Failed to stop an HTTP client", e);
            }
        }
        byProfile.clear();
    }
}
