package dev.pier.websocket;

import dev.pier.backend.Backend;
import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.FutureCallback;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.OpCode;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client's WebSocket paired with its backend's: what each side's leg hands over to the other, and how the pair
 * closes. It holds one unit of its backend's in-flight count from its creation until the backend's side has
 * closed, which ends it. Thread-safe: the sessions are volatile, set once by each side's open; the message counters
 * of each direction are confined to that direction's delivery, which its leg serializes (the container delivers
 * one client message part at a time; the backend's frames come one per demand).
 */
final class Tunnel {

    private static final Logger logger = LoggerFactory.getLogger(Tunnel.class);
    /** The longest close reason a close frame carries, in UTF-8 bytes (RFC 6455, 5.5). */
    private static final int MAX_REASON = 123;

    private final Backend backend;
    private final Tunnels tunnels;
    private final Executor executor;
    private final long maxMessageSize;
    /** How long a client message part may wait for the backend to take it: the idle timeout. */
    private final long sendTimeoutMillis;
    private final AtomicBoolean ended = new AtomicBoolean();
    private final AtomicBoolean closing = new AtomicBoolean();
    final BackendLeg backendLeg;
    final ClientLeg clientLeg;
    private volatile @Nullable CoreSession backendSession;
    private volatile @Nullable Session clientSession;
    /** Confined to the client's delivery. */
    private long clientBytes;
    private boolean clientInMessage;

    Tunnel(Backend backend, Tunnels tunnels, Executor executor, long maxMessageSize, long idleTimeoutMillis) {
        this.backend = backend;
        this.tunnels = tunnels;
        this.executor = executor;
        this.maxMessageSize = maxMessageSize;
        this.sendTimeoutMillis = idleTimeoutMillis;
        this.backendLeg = new BackendLeg(this, maxMessageSize);
        this.clientLeg = new ClientLeg(this, idleTimeoutMillis);
        backend.requestSent();
    }

    Backend backend() {
        return backend;
    }

    Executor executor() {
        return executor;
    }

    void backendOpened(CoreSession session) {
        backendSession = session;
    }

    /** The client's side is open: the backend's frames may flow, one per demand. */
    void clientOpened(Session session) {
        clientSession = session;
        CoreSession backendSide = backendSession;
        if (backendSide != null) {
            backendSide.demand();
        }
    }

    @Nullable Session clientSession() {
        return clientSession;
    }

    /**
     * A part of the client's message, to the backend: returns once the backend's connection took it, so that a
     * slow backend holds the client's delivery (and the container stops reading the client). {@code payload} is
     * only valid during this call, which is why it waits.
     */
    void fromClient(boolean text, ByteBuffer payload, boolean last) {
        CoreSession backendSide = backendSession;
        if (backendSide == null) {
            return;
        }
        clientBytes += payload.remaining();
        if (clientBytes > maxMessageSize) {
            tooBig();
            return;
        }
        byte opCode = clientInMessage ? OpCode.CONTINUATION : text ? OpCode.TEXT : OpCode.BINARY;
        clientInMessage = !last;
        if (last) {
            clientBytes = 0;
        }
        FutureCallback sent = new FutureCallback();
        backendSide.sendFrame(new Frame(opCode, last, payload), sent, false);
        await(sent);
    }

    /** The client's pong (an answer to a ping that the backend sent through), to the backend. */
    void pongFromClient(ByteBuffer payload) {
        CoreSession backendSide = backendSession;
        if (backendSide != null) {
            backendSide.sendFrame(new Frame(OpCode.PONG, copy(payload)), Callback.NOOP, false);
        }
    }

    private void await(FutureCallback sent) {
        try {
            sent.get(sendTimeoutMillis, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            close(CloseStatus.SHUTDOWN, "The backend did not take a message in time");
        } catch (ExecutionException e) {
            // The backend's side failed or closed: its close ends the tunnel and closes the client.
            logger.debug("Cannot pass a message to {}", backend, e.getCause());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            close(CloseStatus.SHUTDOWN, "Interrupted");
        }
    }

    /** A message larger than the route allows: 1009 to both sides. */
    void tooBig() {
        close(CloseStatus.MESSAGE_TOO_LARGE, "Message larger than " + maxMessageSize + " bytes");
    }

    /** The client closed (or its connection ended): the backend gets its close code. */
    void clientClosed(CloseReason reason) {
        int code = reason.getCloseCode().getCode();
        CoreSession backendSide = backendSession;
        if (backendSide != null && !closing.getAndSet(true)) {
            backendSide.close(toBackend(code), truncate(reason.getReasonPhrase()), Callback.NOOP);
        }
    }

    /** The backend sent its close, or its connection ended: the client gets its code, then the tunnel ends. */
    void backendClosed(CloseStatus status) {
        closeClient(toClient(status.getCode()), status.getReason());
    }

    /** Both sides' connections are over: the in-flight unit goes back, once. */
    void end() {
        if (ended.compareAndSet(false, true)) {
            tunnels.remove(this);
            backend.requestDone();
        }
    }

    /** Closes both sides with 1001 (going away): Pier stops, or the backend left the configuration. */
    void goAway(String reason) {
        close(CloseStatus.SHUTDOWN, reason);
    }

    /** Closes both sides with {@code code}. */
    void close(int code, String reason) {
        closeClient(code, reason);
        CoreSession backendSide = backendSession;
        if (backendSide != null && !closing.getAndSet(true)) {
            backendSide.close(code, truncate(reason), Callback.NOOP);
        } else if (backendSide == null) {
            end();
        }
    }

    /** The backend's side failed before the client's opened, or the client's upgrade failed. */
    void abort(String reason) {
        CoreSession backendSide = backendSession;
        if (backendSide != null) {
            closing.set(true);
            backendSide.close(CloseStatus.SERVER_ERROR, truncate(reason), Callback.NOOP);
        } else {
            end();
        }
    }

    /** Closes the client's side off the caller's thread: a container's close may block until written. */
    private void closeClient(int code, @Nullable String reason) {
        Session client = clientSession;
        if (client == null || !client.isOpen()) {
            return;
        }
        CloseReason closeReason = new CloseReason(CloseReason.CloseCodes.getCloseCode(code), truncate(reason));
        Runnable close = () -> {
            try {
                client.close(closeReason);
            } catch (IOException | RuntimeException e) {
                logger.debug("Cannot close the client's WebSocket", e);
            }
        };
        try {
            executor.execute(close);
        } catch (RejectedExecutionException stopping) {
            close.run();
        }
    }

    /** A code that a close frame may carry toward the backend, for the client's {@code code}. */
    private static int toBackend(int code) {
        if (CloseStatus.isTransmittableStatusCode(code)) {
            return code;
        }
        // 1005: the client's close had no code; 1006 and others: its connection ended without one.
        return code == CloseStatus.NO_CODE ? CloseStatus.NORMAL : CloseStatus.SHUTDOWN;
    }

    /** A code that a close frame may carry toward the client, for the backend's {@code code}. */
    private static int toClient(int code) {
        if (CloseStatus.isTransmittableStatusCode(code)) {
            return code;
        }
        return code == CloseStatus.NO_CODE ? CloseStatus.NORMAL : CloseStatus.SERVER_ERROR;
    }

    private static String truncate(@Nullable String reason) {
        if (reason == null) {
            return "";
        }
        byte[] bytes = reason.getBytes(StandardCharsets.UTF_8);
        if (bytes.length <= MAX_REASON) {
            return reason;
        }
        String cut = reason;
        while (cut.getBytes(StandardCharsets.UTF_8).length > MAX_REASON) {
            cut = cut.substring(0, cut.length() - 1);
        }
        return cut;
    }

    static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer.slice()).flip();
        return copy;
    }

    @Override
    public String toString() {
        return "tunnel to " + backend;
    }
}
