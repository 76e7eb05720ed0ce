package dev.pier.proxy;

import dev.pier.config.BackendTls;
import dev.pier.config.ProxySettings;
import dev.pier.routing.Route;
import dev.pier.tls.ClientContexts;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.transport.HttpClientTransportOverHTTP;
import org.eclipse.jetty.io.ArrayByteBufferPool;
import org.eclipse.jetty.io.ClientConnector;
import org.eclipse.jetty.util.thread.Invocable;
import org.eclipse.jetty.util.thread.ScheduledExecutorScheduler;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The proxy's HTTP clients: Jetty's own for routes with the default TLS settings, and one more per distinct TLS
 * profile (a private CA, a client certificate, a server name), made when a route first needs it and sharing the
 * main client's threads, scheduler and limits. Thread-safe: a concurrent map; a client is started once.
 */
final class BackendClients implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(BackendClients.class);
    /** The largest response head Pier takes from a backend; containers write 8 KiB heads at least. */
    private static final int MAX_BACKEND_HEAD_SIZE = 8 * 1024;

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

    /** The client of {@code route}'s TLS settings, or null when they are the defaults (the servlet's own client). */
    @Nullable HttpClient ofRoute(Route route) {
        BackendTls tls = route.settings().tls();
        return tls.isDefault() ? null : forProfile(tls);
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

    /**
     * A client to backends on {@code connector}, as Pier runs them: HTTP/1.1 only, with its own buffers kept,
     * non-blocking listeners, the backends' own answers passed as they are.
     */
    static HttpClient newClient(ClientConnector connector, ProxySettings settings, String name) {
        // Jetty's client would keep at most (its pool's threads / 2) buffers of a size: with Pier's few threads,
        // most responses then read into a new 16 KiB array, 60% of all allocation. This pool keeps as many as
        // are in use at once, within Jetty's cap on retained memory (an eighth of the heap).
        connector.setByteBufferPool(new ArrayByteBufferPool(0, 2048, 65536, Integer.MAX_VALUE));
        // HTTP/1.1 only, as backends speak it: Jetty's default (dynamic) transport works out each request's
        // protocol list with a stream and new lists, for the same answer every time.
        HttpClient client = new HttpClient(new HttpClientTransportOverHTTP(connector));
        client.setScheduler(new ScheduledExecutorScheduler(name + "-scheduler", true));
        client.setConnectTimeout(settings.connectTimeout().toMillis());
        client.setMaxRequestsQueuedPerDestination(settings.maxQueuedPerBackend());
        // A backend's response head larger than this is the backend's fault: 502 (and passive health counts it),
        // never a 500 from a client response too large for the server to write.
        client.setMaxResponseHeadersSize(MAX_BACKEND_HEAD_SIZE);
        // Pass the client's User-Agent through unchanged; add none when it sent none.
        client.setUserAgentField(null);
        // Heap buffers for what backends send: Jetty's proxy copies every chunk of a direct buffer into a new
        // byte[] before writing it to the client; a heap buffer's array is written as it is.
        client.setUseInputDirectByteBuffers(false);
        // Pier's response listeners never block: the body goes out through the servlet's non-blocking output.
        // The client's selector thread runs them itself rather than handing every response to another thread.
        client.getHttpClientTransport().setInvocationType(Invocable.InvocationType.NON_BLOCKING);
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
