package dev.pier.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.core.CloseStatus;
import org.eclipse.jetty.websocket.core.CoreSession;
import org.eclipse.jetty.websocket.core.Frame;
import org.eclipse.jetty.websocket.core.FrameHandler;
import org.eclipse.jetty.websocket.core.OpCode;
import org.eclipse.jetty.websocket.core.server.WebSocketNegotiator;
import org.eclipse.jetty.websocket.core.server.WebSocketUpgradeHandler;

/**
 * A real WebSocket backend for tests, on Jetty's WebSocket core server (no servlet, so that it runs on a Tomcat
 * classpath too), on 127.0.0.1 and an ephemeral port. Every path echoes each frame as it came (text, binary,
 * fragments), except: a path ending {@code /refuse} answers 403; the subprotocol chosen is the first offered of {@code v2.test},
 * {@code v1.test}; a text message {@code ping:<data>} makes it ping the client; {@code close:<code>:<reason>}
 * makes it close; a path ending {@code /hold} stops reading after its first message until {@link #release()}. It records each
 * handshake's headers, the pongs and close codes it received, and the bytes it read.
 */
public final class WebSocketBackend implements AutoCloseable {

    private static final List<String> SUBPROTOCOLS = List.of("v2.test", "v1.test");

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final List<Map<String, String>> handshakes = new CopyOnWriteArrayList<>();
    private final BlockingQueue<String> pongs = new LinkedBlockingQueue<>();
    private final BlockingQueue<Integer> closes = new LinkedBlockingQueue<>();
    private final AtomicLong bytesRead = new AtomicLong();
    private final AtomicInteger open = new AtomicInteger();
    private final List<Runnable> held = new CopyOnWriteArrayList<>();
    private volatile boolean holding = true;

    private WebSocketBackend(String name) {
        this.name = name;
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("test-ws-backend-" + name);
        server = new Server(threads);
        connector = new ServerConnector(server, 1, 1);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        WebSocketUpgradeHandler upgrades = new WebSocketUpgradeHandler();
        upgrades.addMapping("/*", (WebSocketNegotiator) (request, response, callback) -> {
            Map<String, String> headers = new ConcurrentHashMap<>();
            for (HttpField field : request.getHeaders()) {
                headers.merge(field.getLowerCaseName(), field.getValue(), (a, b) -> a + ", " + b);
            }
            headers.put(":path", request.getHttpURI().getPathQuery());
            handshakes.add(headers);
            if (request.getHttpURI().getPath().endsWith("/refuse")) {
                Response.writeError(request, response, callback, 403);
                return null;
            }
            for (String offered : request.getSubProtocols()) {
                if (SUBPROTOCOLS.contains(offered)) {
                    response.setAcceptedSubProtocol(offered);
                    break;
                }
            }
            return new Echo(request.getHttpURI().getPath().endsWith("/hold"));
        });
        upgrades.getConfiguration().setMaxFrameSize(64 * 1024);
        server.setHandler(upgrades);
    }

    public static WebSocketBackend start(String name) {
        WebSocketBackend backend = new WebSocketBackend(name);
        try {
            backend.server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        return backend;
    }

    public String name() {
        return name;
    }

    public int port() {
        return connector.getLocalPort();
    }

    public String url() {
        return "http://127.0.0.1:" + port();
    }

    /** Each upgrade request's headers (lower-case names; repeated ones joined), and its path as ":path". */
    public List<Map<String, String>> handshakes() {
        return List.copyOf(handshakes);
    }

    public BlockingQueue<String> pongs() {
        return pongs;
    }

    /** The close codes clients' closes carried to this backend. */
    public BlockingQueue<Integer> closes() {
        return closes;
    }

    /** Payload bytes of data frames read so far. */
    public long bytesRead() {
        return bytesRead.get();
    }

    /** WebSockets open now. */
    public int open() {
        return open.get();
    }

    /** {@code /hold} sockets read on. */
    public void release() {
        holding = false;
        held.forEach(Runnable::run);
        held.clear();
    }

    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private final class Echo implements FrameHandler {
        private final boolean hold;
        private volatile CoreSession session;
        private boolean first = true;

        Echo(boolean hold) {
            this.hold = hold;
        }

        @Override
        public void onOpen(CoreSession coreSession, Callback callback) {
            session = coreSession;
            open.incrementAndGet();
            callback.succeeded();
            coreSession.demand();
        }

        @Override
        public void onFrame(Frame frame, Callback callback) {
            switch (frame.getOpCode()) {
                case OpCode.PONG -> {
                    pongs.add(StandardCharsets.UTF_8.decode(frame.getPayload()).toString());
                    next(callback);
                }
                case OpCode.PING -> session.sendFrame(new Frame(OpCode.PONG, copy(frame.getPayload())),
                        Callback.from(() -> next(callback), callback::failed), false);
                case OpCode.CLOSE -> {
                    closes.add(CloseStatus.getCloseStatus(frame).getCode());
                    callback.succeeded();
                }
                case OpCode.TEXT, OpCode.BINARY, OpCode.CONTINUATION -> data(frame, callback);
                default -> next(callback);
            }
        }

        private void data(Frame frame, Callback callback) {
            bytesRead.addAndGet(frame.getPayloadLength());
            if (frame.getOpCode() == OpCode.TEXT && frame.isFin()) {
                String text = frame.getPayloadAsUTF8();
                if (text.startsWith("ping:")) {
                    session.sendFrame(new Frame(OpCode.PING, text.substring(5)), Callback.from(() -> next(callback),
                            callback::failed), false);
                    return;
                }
                if (text.startsWith("close:")) {
                    String[] parts = text.split(":", 3);
                    callback.succeeded();
                    session.close(Integer.parseInt(parts[1]), parts[2], Callback.NOOP);
                    return;
                }
            }
            Frame echo = new Frame(frame.getOpCode(), frame.isFin(), copy(frame.getPayload()));
            session.sendFrame(echo, Callback.from(() -> {
                if (hold && first && holding) {
                    first = false;
                    callback.succeeded();
                    held.add(session::demand);
                    if (!holding) {
                        release();
                    }
                } else {
                    next(callback);
                }
            }, callback::failed), false);
        }

        private void next(Callback callback) {
            callback.succeeded();
            session.demand();
        }

        @Override
        public void onError(Throwable cause, Callback callback) {
            callback.succeeded();
        }

        @Override
        public void onClosed(CloseStatus closeStatus, Callback callback) {
            open.decrementAndGet();
            callback.succeeded();
        }
    }

    private static ByteBuffer copy(ByteBuffer buffer) {
        ByteBuffer copy = ByteBuffer.allocate(buffer.remaining());
        copy.put(buffer.slice()).flip();
        return copy;
    }
}
