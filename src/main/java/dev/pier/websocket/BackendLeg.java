package dev.pier.websocket;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.util.concurrent.RejectedExecutionException;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The backend's side of a tunnel, on Jetty's WebSocket core client: each frame goes to the client, and the next one
 * is demanded only once the client's side has taken it (explicit demand), so that a slow client slows the backend
 * and nothing queues in Pier. A whole message goes out with the Jakarta asynchronous send; the fragments of a
 * larger one with blocking partial sends, on the executor, never on the client's selector thread. Confined to the
 * delivery of frames, one at a time.
 */
final class BackendLeg implements FrameHandler {

    private static final Logger logger = LoggerFactory.getLogger(BackendLeg.class);

    private final Tunnel tunnel;
    private final long maxMessageSize;
    private volatile @Nullable CoreSession session;
    /** The message under way: its kind, its size so far, its text's decoder. */
    private boolean text;
    private long bytes;
    private final Utf8Parts utf8 = new Utf8Parts();

    BackendLeg(Tunnel tunnel, long maxMessageSize) {
        this.tunnel = tunnel;
        this.maxMessageSize = maxMessageSize;
    }

    @Override
    public void onOpen(CoreSession coreSession, Callback callback) {
        session = coreSession;
        tunnel.backendOpened(coreSession);
        // No demand yet: the first frame is asked for once the client's side is open.
        callback.succeeded();
    }

    @Override
    public void onFrame(Frame frame, Callback callback) {
        Session client = tunnel.clientSession();
        if (client == null) {
            callback.failed(new IOException("no client"));
            return;
        }
        switch (frame.getOpCode()) {
            case OpCode.TEXT, OpCode.BINARY, OpCode.CONTINUATION -> data(client, frame, callback);
            case OpCode.PING -> control(callback, () -> client.getAsyncRemote().sendPing(Tunnel.copy(frame.getPayload())));
            case OpCode.PONG -> control(callback, () -> client.getAsyncRemote().sendPong(Tunnel.copy(frame.getPayload())));
            case OpCode.CLOSE -> {
                tunnel.backendClosed(CloseStatus.getCloseStatus(frame));
                // Jetty answers the backend's close once this succeeds.
                callback.succeeded();
            }
            default -> next(callback);
        }
    }

    private void data(Session client, Frame frame, Callback callback) {
        boolean first = frame.getOpCode() != OpCode.CONTINUATION;
        if (first) {
            text = frame.getOpCode() == OpCode.TEXT;
            bytes = 0;
        }
        bytes += frame.getPayloadLength();
        if (bytes > maxMessageSize) {
            callback.succeeded();
            tunnel.tooBig();
            return;
        }
        if (first && frame.isFin()) {
            // A whole message: sent without holding a thread.
            SendHandler sent = result -> {
                if (result.isOK()) {
                    next(callback);
                } else {
                    callback.failed(result.getException());
                }
            };
            RemoteEndpoint.Async remote = client.getAsyncRemote();
            if (text) {
                remote.sendText(frame.getPayloadAsUTF8(), sent);
            } else {
                remote.sendBinary(frame.getPayload(), sent);
            }
            return;
        }
        ByteBuffer payload = frame.getPayload();
        boolean last = frame.isFin();
        run(callback, () -> {
            RemoteEndpoint.Basic remote = client.getBasicRemote();
            if (text) {
                remote.sendText(utf8.next(payload, last), last);
            } else {
                remote.sendBinary(payload, last);
            }
        });
    }

    private void control(Callback callback, Send send) {
        run(callback, send);
    }

    /** Runs a blocking send on the executor, then asks for the next frame. */
    private void run(Callback callback, Send send) {
        try {
            tunnel.executor().execute(() -> {
                try {
                    send.send();
                    next(callback);
                } catch (CharacterCodingException e) {
                    callback.succeeded();
                    tunnel.close(CloseStatus.BAD_PAYLOAD, "Invalid UTF-8 from the backend");
                } catch (IOException | RuntimeException e) {
                    logger.debug("Cannot pass a frame to the client", e);
                    callback.failed(e);
                }
            });
        } catch (RejectedExecutionException stopping) {
            callback.failed(stopping);
        }
    }

    private void next(Callback callback) {
        callback.succeeded();
        CoreSession current = session;
        if (current != null) {
            current.demand();
        }
    }

    @Override
    public void onError(Throwable cause, Callback callback) {
        logger.debug("WebSocket to {} failed", tunnel.backend(), cause);
        callback.succeeded();
    }

    @Override
    public void onClosed(CloseStatus closeStatus, Callback callback) {
        try {
            tunnel.backendClosed(closeStatus);
        } finally {
            tunnel.end();
            callback.succeeded();
        }
    }

    @FunctionalInterface
    private interface Send {
        void send() throws IOException;
    }
}
