package dev.pier.websocket;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Endpoint;
import jakarta.websocket.EndpointConfig;
import jakarta.websocket.MessageHandler;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CharsetEncoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The client's side of a tunnel, on the container's Jakarta WebSocket. Messages are taken in parts (so that none is
 * gathered whole in memory) and each part is handed to the backend before the handler returns: the container
 * delivers nothing more, and stops reading the client, until the backend's connection took it. Pongs go through;
 * pings the container answers itself (the Jakarta API does not show them). Confined to the container's delivery,
 * which is one call at a time. Public only because Jakarta containers deploy public endpoint classes alone; its
 * instances are made by the relay, never by a container.
 */
public final class ClientLeg extends Endpoint {

    private static final Logger logger = LoggerFactory.getLogger(ClientLeg.class);

    private final Tunnel tunnel;
    private final long idleTimeoutMillis;
    private final CharsetEncoder encoder = StandardCharsets.UTF_8.newEncoder()
            .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT);
    /** A high surrogate that ended a text part: its pair starts the next one. */
    private char held;

    ClientLeg(Tunnel tunnel, long idleTimeoutMillis) {
        this.tunnel = tunnel;
        this.idleTimeoutMillis = idleTimeoutMillis;
    }

    @Override
    public void onOpen(Session session, EndpointConfig config) {
        session.setMaxIdleTimeout(idleTimeoutMillis);
        session.addMessageHandler(ByteBuffer.class, (MessageHandler.Partial<ByteBuffer>) (part, last) ->
                tunnel.fromClient(false, part, last));
        session.addMessageHandler(String.class, (MessageHandler.Partial<String>) this::text);
        session.addMessageHandler(PongMessage.class, (MessageHandler.Whole<PongMessage>) pong ->
                tunnel.pongFromClient(pong.getApplicationData()));
        tunnel.clientOpened(session);
    }

    private void text(String part, boolean last) {
        String chars = held == 0 ? part : held + part;
        held = 0;
        if (!last && !chars.isEmpty() && Character.isHighSurrogate(chars.charAt(chars.length() - 1))) {
            held = chars.charAt(chars.length() - 1);
            chars = chars.substring(0, chars.length() - 1);
        }
        ByteBuffer bytes;
        try {
            bytes = encoder.encode(CharBuffer.wrap(chars));
        } catch (CharacterCodingException e) {
            tunnel.close(CloseStatus.BAD_PAYLOAD, "Invalid text from the client");
            return;
        }
        tunnel.fromClient(true, bytes, last);
    }

    @Override
    public void onClose(Session session, CloseReason closeReason) {
        tunnel.clientClosed(closeReason);
    }

    @Override
    public void onError(Session session, Throwable failure) {
        logger.debug("Client WebSocket to {} failed", tunnel.backend(), failure);
    }
}
