package dev.pier.websocket;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.config.WebSocketSettings;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.websocket.server.ServerContainer;
import jakarta.websocket.server.ServerEndpointConfig;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.UpgradeProtocolHandler;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.WebSocketComponents;
import org.eclipse.jetty.websocket.core.client.CoreClientUpgradeRequest;
import org.eclipse.jetty.websocket.core.client.WebSocketCoreClient;
import org.eclipse.jetty.websocket.core.exception.UpgradeException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The seam between the proxy and WebSocket pass-through: a request with {@code Upgrade: websocket} ({@link
 * #isUpgrade}) is relayed here. The backend's WebSocket is opened first, on Jetty's WebSocket core client over the
 * route's HTTP client; only then is the client upgraded, with the Jakarta WebSocket of the container (the servlet
 * context's {@code jakarta.websocket.server.ServerContainer}), to the subprotocol the backend chose. The request's
 * thread waits for the backend's handshake, at most the route's request timeout: both containers upgrade only from
 * the request's own dispatch. Thread-safe: one WebSocket client per HTTP client, in a concurrent map.
 */
public final class WebSocketRelay implements AutoCloseable {

    private static final Logger logger = LoggerFactory.getLogger(WebSocketRelay.class);
    private static final String UPGRADE = "Upgrade";
    private static final String SERVER_CONTAINER = "jakarta.websocket.server.ServerContainer";
    /** Headers that the core client writes itself, or that belong to the client's hop. */
    private static final List<String> HANDSHAKE_HEADERS = List.of("Sec-WebSocket-Key", "Sec-WebSocket-Version",
            "Sec-WebSocket-Extensions", "Sec-WebSocket-Protocol", "Sec-WebSocket-Accept");

    private final @Nullable ServerContainer container;
    private final Tunnels tunnels;
    private final Map<HttpClient, WebSocketCoreClient> clients = new ConcurrentHashMap<>();

    /** @param context the servlet context whose Jakarta WebSocket container upgrades clients, if it has one */
    public WebSocketRelay(ServletContext context, Tunnels tunnels) {
        this.container = (ServerContainer) context.getAttribute(SERVER_CONTAINER);
        this.tunnels = requireNonNull(tunnels, "tunnels");
        if (container == null) {
            logger.warn("This servlet container offers no Jakarta WebSocket: WebSocket upgrades get 501");
        }
    }

    /** Whether {@code request} asks for a WebSocket: one header look-up, on every request. */
    public static boolean isUpgrade(HttpServletRequest request) {
        String upgrade = request.getHeader(UPGRADE);
        return upgrade != null && upgrade.toLowerCase(Locale.ROOT).contains("websocket");
    }

    /**
     * Where and how to open the backend's side.
     *
     * @param uri the backend's {@code ws://} or {@code wss://} URI, path and query included
     * @param client the route's HTTP client (its TLS profile)
     * @param headers what goes to the backend besides the handshake's own: the client's end-to-end headers,
     *                Pier's forwarded ones, the pipeline's
     * @param handshakeTimeoutMillis the longest the backend's handshake may take (then 504)
     * @param responseHeaders adds to the headers of the client's 101 (the pipeline's response stages)
     */
    public record Target(Backend backend, URI uri, HttpClient client, HttpFields headers, WebSocketSettings settings,
                         long handshakeTimeoutMillis, Consumer<Map<String, List<String>>> responseHeaders) {
    }

    /**
     * How a relay ended its request.
     *
     * @param status 101 when the client was upgraded; else the status to answer
     * @param failure why the backend could not be reached, when it could not
     */
    public record Outcome(int status, @Nullable Throwable failure) {

        public boolean upgraded() {
            return status == HttpServletResponse.SC_SWITCHING_PROTOCOLS;
        }

        /** The backend answered the handshake, but not with 101. */
        public boolean refused() {
            return failure == null && !upgraded() && status != HttpServletResponse.SC_NOT_IMPLEMENTED
                    && status != HttpServletResponse.SC_INTERNAL_SERVER_ERROR;
        }
    }

    /**
     * Opens the backend's WebSocket, then upgrades the client to it. On any outcome but 101 the response is left
     * for the caller to write.
     */
    public Outcome relay(HttpServletRequest request, HttpServletResponse response, Target target) {
        ServerContainer server = container;
        if (server == null) {
            return new Outcome(HttpServletResponse.SC_NOT_IMPLEMENTED, null);
        }
        WebSocketSettings settings = target.settings();
        Tunnel tunnel = new Tunnel(target.backend(), tunnels, target.client().getExecutor(),
                settings.maxMessageSize(), settings.idleTimeout().toMillis());
        CoreSession backendSide;
        try {
            backendSide = connect(request, target, tunnel).get(target.handshakeTimeoutMillis() + 1000,
                    TimeUnit.MILLISECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            tunnel.end();
            Throwable failure = e instanceof ExecutionException ? e.getCause() : e;
            int status = refusal(failure);
            return status > 0 ? new Outcome(status, null) : new Outcome(HttpServletResponse.SC_BAD_GATEWAY, failure);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            tunnel.end();
            return new Outcome(HttpServletResponse.SC_BAD_GATEWAY, e);
        }
        String subprotocol = backendSide.getNegotiatedSubProtocol();
        ServerEndpointConfig config = ServerEndpointConfig.Builder.create(ClientLeg.class, "/")
                .subprotocols(subprotocol == null || subprotocol.isEmpty() ? List.of() : List.of(subprotocol))
                .configurator(new Handshake(tunnel.clientLeg, subprotocol, target.responseHeaders()))
                .build();
        try {
            server.upgradeHttpToWebSocket(request, response, config, Map.of());
        } catch (Exception e) {
            logger.warn("Cannot upgrade the client's connection to the Jakarta WebSocket of the container", e);
            tunnel.abort("The client's upgrade failed");
            return new Outcome(HttpServletResponse.SC_INTERNAL_SERVER_ERROR, null);
        }
        tunnels.add(tunnel);
        return new Outcome(HttpServletResponse.SC_SWITCHING_PROTOCOLS, null);
    }

    private CompletableFuture<CoreSession> connect(HttpServletRequest request, Target target, Tunnel tunnel) {
        WebSocketCoreClient client = clients.computeIfAbsent(target.client(), WebSocketRelay::start);
        CoreClientUpgradeRequest upgrade = CoreClientUpgradeRequest.from(client, target.uri(), tunnel.backendLeg);
        List<String> offered = new ArrayList<>();
        for (var values = request.getHeaders("Sec-WebSocket-Protocol"); values.hasMoreElements(); ) {
            for (String token : values.nextElement().split(",")) {
                if (!token.isBlank()) {
                    offered.add(token.trim());
                }
            }
        }
        upgrade.setSubProtocols(offered);
        upgrade.headers(headers -> {
            for (var field : target.headers()) {
                if (HANDSHAKE_HEADERS.stream().noneMatch(field::is)) {
                    headers.add(field);
                }
            }
        });
        upgrade.timeout(target.handshakeTimeoutMillis(), TimeUnit.MILLISECONDS);
        Duration idle = target.settings().idleTimeout();
        upgrade.setConfiguration(new org.eclipse.jetty.websocket.core.Configuration.ConfigurationCustomizer() {
            {
                setIdleTimeout(idle);
            }
        });
        try {
            return client.connect(upgrade);
        } catch (Exception e) {
            return CompletableFuture.failedFuture(e);
        }
    }

    /** The status (300 or more) of a backend that refused the handshake, or -1 when it did not answer one. */
    private static int refusal(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            // A 2xx is no answer to a handshake: the backend is not a WebSocket server (502).
            if (t instanceof UpgradeException upgrade && upgrade.getResponseStatusCode() >= 300) {
                return upgrade.getResponseStatusCode();
            }
        }
        return -1;
    }

    private static WebSocketCoreClient start(HttpClient http) {
        // Jetty's proxy clears the client's protocol handlers; the one that switches a 101 to WebSocket goes back.
        // It acts only on a 101 to a request that asked for an upgrade: plain proxied requests never do.
        http.getProtocolHandlers().put(new UpgradeProtocolHandler());
        WebSocketComponents components = new WebSocketComponents(null, null, http.getByteBufferPool(), null, null,
                http.getExecutor());
        WebSocketCoreClient client = new WebSocketCoreClient(http, components);
        try {
            client.start();
        } catch (Exception e) {
            throw new IllegalStateException("cannot start the WebSocket client", e);
        }
        return client;
    }

    /** Stops the WebSocket clients; their HTTP clients are their owners' to stop. */
    @Override
    public void close() {
        for (WebSocketCoreClient client : clients.values()) {
            try {
                client.stop();
            } catch (Exception e) {
                logger.warn("Failed to stop a WebSocket client", e);
            }
        }
        clients.clear();
    }
}
