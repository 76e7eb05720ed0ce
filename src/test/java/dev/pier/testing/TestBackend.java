package dev.pier.testing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;

/**
 * A real backend for tests: Jetty on 127.0.0.1 and an ephemeral port. Answers {@code GET /health} with
 * {@link #healthStatus}, {@code /echo...} with what it received (method, path, headers, body length and
 * SHA-256), and anything else with its name. A request header {@code X-Test-Delay: ms} delays the answer.
 */
public final class TestBackend implements AutoCloseable {

    private final String name;
    private final Server server;
    private final ServerConnector connector;
    private final AtomicInteger healthStatus = new AtomicInteger(200);
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private final AtomicInteger slowProbes = new AtomicInteger();
    private volatile long slowProbeMillis;
    private final List<String> paths = new CopyOnWriteArrayList<>();
    private int port;

    private final String scheme;

    private TestBackend(String name, int port) {
        this(name, port, null);
    }

    private TestBackend(String name, int port, org.eclipse.jetty.util.ssl.SslContextFactory.@org.jspecify.annotations.Nullable Server tls) {
        this.name = name;
        this.scheme = tls == null ? "http" : "https";
        QueuedThreadPool threads = new QueuedThreadPool(16, 2);
        threads.setName("test-backend-" + name);
        server = new Server(threads);
        connector = tls == null ? new ServerConnector(server, 1, 1) : new ServerConnector(server, 1, 1, tls);
        connector.setHost("127.0.0.1");
        connector.setPort(port);
        server.addConnector(connector);
        server.setHandler(new Handler.Abstract() {
            @Override
            public boolean handle(Request request, Response response, Callback callback) throws Exception {
                return TestBackend.this.handle(request, response, callback);
            }
        });
    }

    /** Starts a backend on a free port. */
    public static TestBackend start(String name) {
        return start(name, 0);
    }

    /**
     * Starts an HTTPS backend on a free port with {@code tls} (its key and certificates; ask for client
     * certificates there for mutual TLS).
     */
    public static TestBackend startHttps(String name, org.eclipse.jetty.util.ssl.SslContextFactory.Server tls) {
        TestBackend backend = new TestBackend(name, 0, tls);
        try {
            backend.server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        backend.port = backend.connector.getLocalPort();
        return backend;
    }

    /** Starts a backend on {@code port} (0: a free one); used to restart a stopped backend where it was. */
    public static TestBackend start(String name, int port) {
        TestBackend backend = new TestBackend(name, port);
        try {
            backend.server.start();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
        backend.port = backend.connector.getLocalPort();
        return backend;
    }

    private boolean handle(Request request, Response response, Callback callback) throws Exception {
        String path = Request.getPathInContext(request);
        if (path.equals("/health")) {
            probes.incrementAndGet();
            response.setStatus(healthStatus.get());
            if (slowProbes.getAndDecrement() > 0) {
                request.getComponents().getScheduler().schedule(() -> response.write(true, null, callback),
                        slowProbeMillis, TimeUnit.MILLISECONDS);
            } else {
                response.write(true, null, callback);
            }
            return true;
        }
        requests.incrementAndGet();
        paths.add(request.getHttpURI().getPathQuery());
        String delay = request.getHeaders().get("X-Test-Delay");
        response.getHeaders().put("X-Backend", name);
        if (path.equals("/headers")) {
            // Repeated headers, and a header the response's Connection names (hop-by-hop).
            response.getHeaders().add("Set-Cookie", "a=1").add("Set-Cookie", "b=2")
                    .add("X-Multi", "one").add("X-Multi", "two")
                    .add("Connection", "X-Hop").add("X-Hop", "secret");
            send(response, callback, name);
        } else if (path.startsWith("/echo")) {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            long length = 0;
            try (var input = Content.Source.asInputStream(request)) {
                byte[] buffer = new byte[64 * 1024];
                for (int n; (n = input.read(buffer)) >= 0; ) {
                    sha.update(buffer, 0, n);
                    length += n;
                }
            }
            StringBuilder body = new StringBuilder();
            body.append("method=").append(request.getMethod()).append('\n');
            body.append("target=").append(request.getHttpURI().getPathQuery()).append('\n');
            body.append("length=").append(length).append('\n');
            body.append("sha256=").append(HexFormat.of().formatHex(sha.digest())).append('\n');
            for (HttpField field : request.getHeaders()) {
                body.append("header.").append(field.getLowerCaseName()).append('=').append(field.getValue()).append('\n');
            }
            send(response, callback, body.toString());
        } else if (path.startsWith("/big/")) {
            // A body of the given number of bytes, byte i being (i % 251): streamed as one write.
            int size = Integer.parseInt(path.substring("/big/".length()));
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/octet-stream");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, size);
            response.write(true, ByteBuffer.wrap(bigBody(size)), callback);
        } else if (delay != null) {
            long millis = Long.parseLong(delay);
            request.getComponents().getScheduler().schedule(() -> send(response, callback, name), millis,
                    TimeUnit.MILLISECONDS);
        } else {
            String status = request.getHeaders().get("X-Test-Status");
            if (status != null) {
                response.setStatus(Integer.parseInt(status));
            }
            send(response, callback, name);
        }
        return true;
    }

    /** The body that {@code GET /big/<size>} answers: byte i is {@code i % 251}. */
    public static byte[] bigBody(int size) {
        byte[] body = new byte[size];
        for (int i = 0; i < size; i++) {
            body[i] = (byte) (i % 251);
        }
        return body;
    }

    private static void send(Response response, Callback callback, String body) {
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain;charset=utf-8");
        response.write(true, ByteBuffer.wrap(body.getBytes(StandardCharsets.UTF_8)), callback);
    }

    public String name() {
        return name;
    }

    public int port() {
        return port;
    }

    public String url() {
        return scheme + "://127.0.0.1:" + port;
    }

    /** The status {@code GET /health} answers from now on. */
    public void health(int status) {
        healthStatus.set(status);
    }

    /** Requests other than health probes that reached this backend. */
    public int requests() {
        return requests.get();
    }

    /** The next {@code count} health probes are answered only after {@code millis}. */
    public void slowProbes(int count, long millis) {
        slowProbeMillis = millis;
        slowProbes.set(count);
    }

    /** Health probes that reached this backend. */
    public int probes() {
        return probes.get();
    }

    /** Path and query of each request other than probes, in arrival order. */
    public List<String> paths() {
        return List.copyOf(paths);
    }

    /** Stops the backend: its listener closes and its port refuses connections. */
    @Override
    public void close() {
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
