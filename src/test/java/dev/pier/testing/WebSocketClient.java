package dev.pier.testing;

import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * The JDK's {@link WebSocket} client for tests: whole messages (text as "T:" + text, binary as raw bytes, both as
 * byte arrays) queue up as they arrive; pings and the close code are recorded. It reads one frame at a time, and
 * none while {@link #pause()}d.
 */
public final class WebSocketClient implements WebSocket.Listener {

    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    private final BlockingQueue<byte[]> messages = new LinkedBlockingQueue<>();
    private final BlockingQueue<String> pings = new LinkedBlockingQueue<>();
    private final CompletableFuture<Integer> closed = new CompletableFuture<>();
    private final ByteArrayOutputStream partial = new ByteArrayOutputStream();
    private final StringBuilder text = new StringBuilder();
    private final AtomicBoolean paused = new AtomicBoolean();
    private volatile WebSocket socket;
    private volatile String closeReason = "";

    /** Opens a WebSocket to {@code uri}, offering {@code subprotocols}; throws on a refused handshake. */
    public static WebSocketClient open(String uri, String... subprotocols) {
        WebSocketClient listener = new WebSocketClient();
        WebSocket.Builder builder = CLIENT.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        if (subprotocols.length > 0) {
            builder.subprotocols(subprotocols[0], java.util.Arrays.copyOfRange(subprotocols, 1, subprotocols.length));
        }
        listener.socket = builder.buildAsync(URI.create(uri), listener).orTimeout(20, TimeUnit.SECONDS).join();
        return listener;
    }

    /** The status with which the server refused the handshake to {@code uri}, or -1 when it did not answer. */
    public static int refusal(String uri) {
        try {
            open(uri).socket.abort();
            return 101;
        } catch (CompletionException e) {
            if (e.getCause() instanceof WebSocketHandshakeException refused) {
                return refused.getResponse().statusCode();
            }
            return -1;
        }
    }

    public WebSocket socket() {
        return socket;
    }

    public String subprotocol() {
        return socket.getSubprotocol();
    }

    public byte[] next() throws InterruptedException {
        byte[] message = messages.poll(20, TimeUnit.SECONDS);
        if (message == null) {
            throw new AssertionError("no message within 20 s");
        }
        return message;
    }

    public String nextText() throws InterruptedException {
        String message = new String(next(), StandardCharsets.UTF_8);
        if (!message.startsWith("T:")) {
            throw new AssertionError("not a text message: " + message);
        }
        return message.substring(2);
    }

    public BlockingQueue<String> pings() {
        return pings;
    }

    /** The close code the server sent; completes when it closes. */
    public CompletableFuture<Integer> closed() {
        return closed;
    }

    public String closeReason() {
        return closeReason;
    }

    public int received() {
        return messages.size();
    }

    public void pause() {
        paused.set(true);
    }

    public void resume() {
        if (paused.compareAndSet(true, false)) {
            socket.request(1);
        }
    }

    @Override
    public void onOpen(WebSocket webSocket) {
        webSocket.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
        text.append(data);
        if (last) {
            messages.add(("T:" + text).getBytes(StandardCharsets.UTF_8));
            text.setLength(0);
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onBinary(WebSocket webSocket, ByteBuffer data, boolean last) {
        byte[] bytes = new byte[data.remaining()];
        data.get(bytes);
        partial.writeBytes(bytes);
        if (last) {
            messages.add(partial.toByteArray());
            partial.reset();
        }
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPing(WebSocket webSocket, ByteBuffer message) {
        pings.add(StandardCharsets.UTF_8.decode(message).toString());
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onPong(WebSocket webSocket, ByteBuffer message) {
        more(webSocket);
        return null;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
        closeReason = reason;
        closed.complete(statusCode);
        return null;
    }

    @Override
    public void onError(WebSocket webSocket, Throwable error) {
        closed.completeExceptionally(error);
    }

    private void more(WebSocket webSocket) {
        if (!paused.get()) {
            webSocket.request(1);
        }
    }
}
