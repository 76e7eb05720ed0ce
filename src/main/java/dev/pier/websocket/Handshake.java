package dev.pier.websocket;

import jakarta.websocket.Extension;
import jakarta.websocket.HandshakeResponse;
import jakarta.websocket.server.HandshakeRequest;
import jakarta.websocket.server.ServerEndpointConfig;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The client's handshake, decided by the backend's: its endpoint is the tunnel's client leg, its subprotocol is the
 * one the backend chose, no extension (each hop negotiates its own; Pier relays messages, not frames), any origin
 * (the backend saw the client's {@code Origin} and accepted). Immutable.
 */
final class Handshake extends ServerEndpointConfig.Configurator {

    private final ClientLeg leg;
    private final @Nullable String subprotocol;
    private final Consumer<Map<String, List<String>>> responseHeaders;

    Handshake(ClientLeg leg, @Nullable String subprotocol, Consumer<Map<String, List<String>>> responseHeaders) {
        this.leg = leg;
        this.subprotocol = subprotocol;
        this.responseHeaders = responseHeaders;
    }

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) {
        return endpointClass.cast(leg);
    }

    @Override
    public String getNegotiatedSubprotocol(List<String> supported, List<String> requested) {
        return subprotocol != null && requested.contains(subprotocol) ? subprotocol : "";
    }

    @Override
    public List<Extension> getNegotiatedExtensions(List<Extension> installed, List<Extension> requested) {
        return List.of();
    }

    @Override
    public boolean checkOrigin(String originHeaderValue) {
        return true;
    }

    @Override
    public void modifyHandshake(ServerEndpointConfig config, HandshakeRequest request, HandshakeResponse response) {
        responseHeaders.accept(response.getHeaders());
    }
}
