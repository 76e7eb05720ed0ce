package dev.pier.proxy;

import dev.pier.backend.Backend;
import dev.pier.observe.RequestOutcome;
import dev.pier.pipeline.HeaderEditor;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.RequestContext;
import dev.pier.routing.Route;
import dev.pier.websocket.Tunnels;
import dev.pier.websocket.WebSocketRelay;
import jakarta.servlet.ServletContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URI;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.http.HttpFields;

/**
 * The proxy's side of WebSocket pass-through: an admitted request with {@code Upgrade: websocket} goes to a
 * backend that the route's policy chooses, with the headers a proxied request would carry, through {@link
 * WebSocketRelay}. The request ends here, in the access log and the metrics, as one request: 101 and its backend,
 * or the answer Pier wrote (the backend's refusal status, 502, 504, 503). Never retried on another backend.
 * Thread-safe: its fields are thread-safe.
 */
final class WebSocketUpgrades implements AutoCloseable {

    private final WebSocketRelay relay;
    private final Tunnels tunnels;
    private final BackendClients clients;
    private final String via11;
    private final String viaHost;

    WebSocketUpgrades(ServletContext context, Tunnels tunnels, BackendClients clients, String via11, String viaHost) {
        this.relay = new WebSocketRelay(context, tunnels);
        this.tunnels = tunnels;
        this.clients = clients;
        this.via11 = via11;
        this.viaHost = viaHost;
    }

    /** Relays the upgrade of an admitted request (its context names the route), answering it either way. */
    void relay(HttpServletRequest request, HttpServletResponse response, ProxiedRequest proxied) {
        RequestContext context = proxied.context;
        RequestOutcome outcome = proxied.outcome;
        Route route = context.route();
        Backend backend = route == null ? null : route.select(context);
        if (route == null || backend == null) {
            Answers.write(response, Admission.noBackend(context), outcome, proxied.pipeline);
            proxied.end(response);
            return;
        }
        HttpFields.Mutable headers = HttpFields.build();
        ProxyHeaders.copyRequestHeaders(request, headers);
        ProxyHeaders.addForwardedHeaders(request, headers, via11, viaHost, context.trustedPeer());
        proxied.pipeline.forward(context, ServletHeads.fields(headers));
        String query = request.getQueryString();
        String path = route.backendPath(context.head().path());
        String url = backend.url();
        URI uri = URI.create((url.startsWith("https:") ? "wss" + url.substring(5) : "ws" + url.substring(4))
                + (query == null ? path : path + '?' + query));
        outcome.sent(System.nanoTime());
        WebSocketRelay.Outcome result = relay.relay(request, response, new WebSocketRelay.Target(backend, uri,
                clients.forProfile(route.settings().tls()), headers, route.settings().webSocket(),
                route.requestTimeoutMillis(),
                handshake -> proxied.pipeline.respond(context, HttpServletResponse.SC_SWITCHING_PROTOCOLS,
                        new MapEditor(handshake))));
        Throwable failure = result.failure();
        if (result.upgraded() || result.refused()) {
            route.passiveHealth().answered(backend, result.status());
            outcome.answered(result.status(), System.nanoTime());
        } else if (failure != null) {
            route.passiveHealth().failed(backend, FailureReplies.describe(failure));
        }
        if (!result.upgraded()) {
            LocalReply reply = failure != null ? FailureReplies.of(failure, context, -1)
                    : result.refused() ? LocalReply.text(result.status(), "WR",
                            "The backend refused the WebSocket upgrade", context)
                    : LocalReply.text(result.status(), "WU", "WebSocket pass-through is not available", context);
            Answers.write(response, reply, outcome, proxied.pipeline);
        }
        int status = result.upgraded() ? result.status() : response.getStatus();
        outcome.end(status, backend, List.of(backend), System.nanoTime());
    }

    /** Closes the open tunnels with 1001, then stops the WebSocket clients: call it before the HTTP clients stop. */
    @Override
    public void close() {
        tunnels.goingAway();
        relay.close();
    }

    /** The headers of the client's 101 as the Jakarta handshake holds them: names compared case-insensitively. */
    private record MapEditor(Map<String, List<String>> headers) implements HeaderEditor {

        @Override
        public void set(String name, String value) {
            remove(name);
            headers.put(name, new ArrayList<>(List.of(value)));
        }

        @Override
        public void add(String name, String value) {
            for (Map.Entry<String, List<String>> entry : headers.entrySet()) {
                if (entry.getKey().equalsIgnoreCase(name)) {
                    List<String> values = new ArrayList<>(entry.getValue());
                    values.add(value);
                    entry.setValue(values);
                    return;
                }
            }
            headers.put(name, new ArrayList<>(List.of(value)));
        }

        @Override
        public void remove(String name) {
            headers.keySet().removeIf(key -> key.equalsIgnoreCase(name));
        }
    }
}
