package dev.pier.security;

import static java.util.Objects.requireNonNull;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * A backend on a raw {@link ServerSocket} (127.0.0.1, a free port) that records every byte of every connection it
 * accepts and parses just enough HTTP/1.1 to answer: a request line, header lines, a body framed by
 * {@code Content-Length} or {@code chunked}, {@code 100 Continue} when asked for. {@code GET /health} is always
 * answered 200; every other request is answered according to the {@link Mode} in force when its head arrived: a
 * small valid 200 normally ({@code GET /big/<n>} streams n bytes), or one of the evil answers that tests aim at
 * Pier.
 *
 * <p>Thread-safe: one thread per connection; recordings are synchronized per connection, lists are
 * copy-on-write, the mode is volatile.
 */
final class RecordingBackend implements AutoCloseable {

    /** How requests other than health checks are answered. */
    enum Mode {
        /** A small 200 with a Content-Length. */
        NORMAL,
        /** A 200 whose head carries a 100 KB header. */
        HUGE_HEADER,
        /** Two different Content-Length values. */
        CONFLICTING_LENGTHS,
        /** A chunked body whose chunk size is not hexadecimal. */
        BAD_CHUNK_SIZE,
        /** Content-Length 1000, then 10 bytes, then the connection closes. */
        TRUNCATED,
        /** Reads the request and never answers. */
        SILENT,
        /** Answers after {@link #lateBy(Duration)}, with a body that names itself late. */
        LATE
    }

    /** What {@link Mode#LATE} answers carry, so that a test can look for them anywhere. */
    static final String LATE_MARK = "LATE-ANSWER";

    private final String name;
    private final ServerSocket server;
    private final ExecutorService connectionThreads;
    private final ScheduledExecutorService lateAnswers;
    private final Thread acceptor;
    private final List<Connection> connections = new CopyOnWriteArrayList<>();
    private final List<Received> requests = new CopyOnWriteArrayList<>();
    private final AtomicInteger lateWrites = new AtomicInteger();
    private final AtomicInteger probes = new AtomicInteger();
    private volatile Mode mode = Mode.NORMAL;
    private volatile Duration lateBy = Duration.ofSeconds(2);
    private volatile List<String> extraHeaders = List.of();

    private RecordingBackend(String name) throws IOException {
        this.name = name;
        this.server = new ServerSocket(0, 100, InetAddress.getLoopbackAddress());
        this.connectionThreads = Executors.newCachedThreadPool(daemon("recording-" + name + "-conn"));
        this.lateAnswers = Executors.newSingleThreadScheduledExecutor(daemon("recording-" + name + "-late"));
        this.acceptor = daemon("recording-" + name + "-accept").newThread(this::accept);
        this.acceptor.start();
    }

    static RecordingBackend start(String name) {
        try {
            return new RecordingBackend(name);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    String name() {
        return name;
    }

    int port() {
        return server.getLocalPort();
    }

    String url() {
        return "http://127.0.0.1:" + port();
    }

    /** How requests whose head arrives from now on are answered. */
    void mode(Mode mode) {
        this.mode = requireNonNull(mode, "mode");
    }

    /** The delay of {@link Mode#LATE} answers. */
    void lateBy(Duration delay) {
        this.lateBy = requireNonNull(delay, "delay");
    }

    /** Header lines ({@code "Name: value"}) that normal answers carry from now on. */
    void extraHeaders(String... lines) {
        this.extraHeaders = List.of(lines);
    }

    /** Every connection accepted so far, health checks' included. */
    List<Connection> connections() {
        return List.copyOf(connections);
    }

    /** Requests other than health checks whose head arrived, in arrival order. */
    List<Received> requests() {
        return List.copyOf(requests);
    }

    /** Their targets, in arrival order. */
    List<String> targets() {
        List<String> targets = new ArrayList<>();
        for (Received request : requests) {
            targets.add(request.target());
        }
        return targets;
    }

    /** Health checks answered. */
    int probes() {
        return probes.get();
    }

    /** Late answers written, or tried, so far. */
    int lateWrites() {
        return lateWrites.get();
    }

    /** Connections that carried a request other than a health check and are still open. */
    int openRequestConnections() {
        int open = 0;
        for (Connection connection : connections) {
            if (connection.carriedRequest() && !connection.closed()) {
                open++;
            }
        }
        return open;
    }

    /** Connections that carried {@code text} and are still open. */
    int openConnectionsCarrying(String text) {
        int open = 0;
        for (Connection connection : connections) {
            if (!connection.closed() && connection.text().contains(text)) {
                open++;
            }
        }
        return open;
    }

    /** Whether any byte sequence {@code text} was received on any connection. */
    boolean anyConnectionCarried(String text) {
        for (Connection connection : connections) {
            if (connection.text().contains(text)) {
                return true;
            }
        }
        return false;
    }

    /** Everything received, every connection in turn, for failure messages. */
    String transcript() {
        StringBuilder all = new StringBuilder();
        for (Connection connection : connections) {
            all.append("--- connection ").append(connection.id).append(connection.closed() ? " (closed)" : " (open)")
                    .append('\n').append(connection.text().replace("\r", "\\r").replace("\n", "\\n\n"));
        }
        return all.toString();
    }

    private void accept() {
        int ids = 0;
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                Connection connection = new Connection(ids++, socket);
                connections.add(connection);
                connectionThreads.execute(() -> serve(connection));
            } catch (IOException | RuntimeException e) {
                // Closed, or the executor is shutting down: the loop ends with the server socket.
            }
        }
    }

    private void serve(Connection connection) {
        try (Socket socket = connection.socket) {
            socket.setSoTimeout(0);
            InputStream in = new BufferedInputStream(new RecordingInput(socket.getInputStream(), connection));
            OutputStream out = socket.getOutputStream();
            while (serveOne(connection, in, out)) {
                // Next request on the same connection.
            }
            // Record whatever else arrives until the peer closes: a smuggled request would be in it.
            in.transferTo(OutputStream.nullOutputStream());
        } catch (IOException e) {
            // The peer reset or closed the connection: recorded as closed below.
        } finally {
            connection.closed = true;
        }
    }

    /** Reads one request and answers it; false when the connection is to end. */
    private boolean serveOne(Connection connection, InputStream in, OutputStream out) throws IOException {
        String head = readHead(in);
        if (head == null) {
            return false;
        }
        String[] requestLine = head.substring(0, head.indexOf("\r\n")).split(" ");
        String method = requestLine[0];
        String target = requestLine.length > 1 ? requestLine[1] : "";
        boolean health = target.equals("/health");
        Mode answer = mode;
        Received received = null;
        if (health) {
            probes.incrementAndGet();
        } else {
            connection.carriedRequest = true;
            received = new Received(connection.id, method, target, head);
            requests.add(received);
        }
        if (headerValue(head, "expect").equals("100-continue")) {
            write(out, "HTTP/1.1 100 Continue\r\n\r\n");
        }
        boolean bodyWhole = readBody(in, head, received);
        if (received != null) {
            received.complete = bodyWhole;
        }
        if (!bodyWhole) {
            return false;
        }
        boolean close = headerValue(head, "connection").contains("close");
        if (health) {
            write(out, "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n" + (close ? "Connection: close\r\n" : "") + "\r\nok");
            return !close;
        }
        switch (answer) {
            case NORMAL -> {
                answerNormally(out, method, target);
                return !close;
            }
            case HUGE_HEADER -> {
                write(out, "HTTP/1.1 200 OK\r\nX-Huge: " + "a".repeat(100 * 1024) + "\r\nContent-Length: 2\r\n\r\nok");
                return !close;
            }
            case CONFLICTING_LENGTHS -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nContent-Length: 50\r\n\r\nhello");
                return true;
            }
            case BAD_CHUNK_SIZE -> {
                write(out, "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\nzz\r\nhello\r\n0\r\n\r\n");
                return true;
            }
            case TRUNCATED -> {
                write(out, "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1000\r\n\r\n0123456789");
                connection.socket.close();
                return false;
            }
            case SILENT -> {
                return true;
            }
            case LATE -> {
                byte[] late = response(LATE_MARK + " " + target, List.of()).getBytes(StandardCharsets.ISO_8859_1);
                lateAnswers.schedule(() -> {
                    try {
                        out.write(late);
                        out.flush();
                    } catch (IOException e) {
                        // Pier closed it: the late bytes had nowhere to go, which is what tests want.
                    } finally {
                        lateWrites.incrementAndGet();
                    }
                }, lateBy.toMillis(), TimeUnit.MILLISECONDS);
                return true;
            }
            default -> throw new IllegalStateException("mode: " + answer);
        }
    }

    private void answerNormally(OutputStream out, String method, String target) throws IOException {
        if (target.startsWith("/big/")) {
            int query = target.indexOf('?');
            int size = Integer.parseInt(target.substring("/big/".length(), query < 0 ? target.length() : query));
            write(out, "HTTP/1.1 200 OK\r\nContent-Type: application/octet-stream\r\nContent-Length: " + size
                    + "\r\nX-Backend: " + name + "\r\n\r\n");
            byte[] piece = new byte[64 * 1024];
            for (int sent = 0; sent < size; ) {
                int n = Math.min(piece.length, size - sent);
                for (int i = 0; i < n; i++) {
                    piece[i] = (byte) ((sent + i) % 251);
                }
                out.write(piece, 0, n);
                sent += n;
            }
            out.flush();
            return;
        }
        String text = response(name + " " + method + " " + target, extraHeaders);
        if (method.equals("HEAD")) {
            text = text.substring(0, text.indexOf("\r\n\r\n") + 4);
        }
        write(out, text);
    }

    private String response(String body, List<String> extra) {
        StringBuilder head = new StringBuilder("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nX-Backend: ")
                .append(name).append("\r\n");
        for (String line : extra) {
            head.append(line).append("\r\n");
        }
        return head.append("Content-Length: ").append(body.length()).append("\r\n\r\n").append(body).toString();
    }

    private static void write(OutputStream out, String text) throws IOException {
        out.write(text.getBytes(StandardCharsets.ISO_8859_1));
        out.flush();
    }

    /** The head up to and including its empty line, or null at the end of the stream before one. */
    private static @Nullable String readHead(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int last3 = 0;
        for (int b; (b = in.read()) >= 0; ) {
            head.write(b);
            last3 = (last3 << 8 | b) & 0xFFFFFFFF;
            if (last3 == 0x0D0A0D0A) {
                return head.toString(StandardCharsets.ISO_8859_1);
            }
            if (head.size() > 1024 * 1024) {
                return null;
            }
        }
        return null;
    }

    /** Reads the body that the head frames; false when the stream ended first or the framing is unreadable. */
    private static boolean readBody(InputStream in, String head, @Nullable Received received) throws IOException {
        if (headerValue(head, "transfer-encoding").contains("chunked")) {
            while (true) {
                String sizeLine = readLine(in);
                if (sizeLine == null) {
                    return false;
                }
                int semicolon = sizeLine.indexOf(';');
                long size;
                try {
                    size = Long.parseLong((semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon)).trim(), 16);
                } catch (NumberFormatException e) {
                    return false;
                }
                if (size == 0) {
                    for (String trailer = readLine(in); trailer != null; trailer = readLine(in)) {
                        if (trailer.isEmpty()) {
                            return true;
                        }
                    }
                    return false;
                }
                if (!skip(in, size, received) || !"".equals(readLine(in))) {
                    return false;
                }
            }
        }
        String length = headerValue(head, "content-length");
        if (length.isEmpty()) {
            return true;
        }
        try {
            return skip(in, Long.parseLong(length.trim()), received);
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static boolean skip(InputStream in, long count, @Nullable Received received) throws IOException {
        for (long i = 0; i < count; i++) {
            if (in.read() < 0) {
                return false;
            }
            if (received != null) {
                received.bodyBytes++;
            }
        }
        return true;
    }

    private static @Nullable String readLine(InputStream in) throws IOException {
        StringBuilder line = new StringBuilder();
        for (int b; (b = in.read()) >= 0; ) {
            if (b == '\n') {
                int length = line.length();
                return length > 0 && line.charAt(length - 1) == '\r' ? line.substring(0, length - 1) : line.toString();
            }
            line.append((char) b);
        }
        return null;
    }

    /** The values of header {@code lowerCaseName}, lower-cased and joined by commas; "" when absent. */
    private static String headerValue(String head, String lowerCaseName) {
        StringBuilder values = new StringBuilder();
        for (String line : head.split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && line.substring(0, colon).trim().toLowerCase(Locale.ROOT).equals(lowerCaseName)) {
                if (values.length() > 0) {
                    values.append(',');
                }
                values.append(line.substring(colon + 1).trim().toLowerCase(Locale.ROOT));
            }
        }
        return values.toString();
    }

    @Override
    public void close() {
        try {
            server.close();
        } catch (IOException ignored) {
            // Closing anyway.
        }
        for (Connection connection : connections) {
            try {
                connection.socket.close();
            } catch (IOException ignored) {
                // Closing anyway.
            }
        }
        lateAnswers.shutdownNow();
        connectionThreads.shutdownNow();
        try {
            acceptor.join(5_000);
            connectionThreads.awaitTermination(5, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static ThreadFactory daemon(String prefix) {
        AtomicInteger count = new AtomicInteger();
        return runnable -> {
            Thread thread = new Thread(runnable, prefix + "-" + count.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }

    /** One accepted connection: everything read from it, and whether it is over. Thread-safe. */
    static final class Connection {
        final int id;
        private final Socket socket;
        /** Guarded by itself. */
        private final ByteArrayOutputStream received = new ByteArrayOutputStream();
        private volatile boolean closed;
        private volatile boolean carriedRequest;

        private Connection(int id, Socket socket) {
            this.id = id;
            this.socket = socket;
        }

        /** Everything received so far, as ISO-8859-1 text. */
        String text() {
            synchronized (received) {
                return received.toString(StandardCharsets.ISO_8859_1);
            }
        }

        boolean closed() {
            return closed;
        }

        /** Whether it carried a request other than a health check. */
        boolean carriedRequest() {
            return carriedRequest;
        }

        private void record(byte[] bytes, int offset, int length) {
            synchronized (received) {
                received.write(bytes, offset, length);
            }
        }
    }

    /**
     * A request whose head arrived: its line and head as received, and how much of its body followed. Thread-safe:
     * the body count and completion are written by the connection's thread only.
     */
    static final class Received {
        final int connection;
        final String method;
        final String target;
        /** The request line and header lines with their CRLFs and the empty line, as received. */
        final String head;
        private volatile long bodyBytes;
        /** Null while the body is being read; then whether it arrived whole. */
        private volatile @Nullable Boolean complete;

        private Received(int connection, String method, String target, String head) {
            this.connection = connection;
            this.method = method;
            this.target = target;
            this.head = head;
        }

        String target() {
            return target;
        }

        long bodyBytes() {
            return bodyBytes;
        }

        /** Null while its body is still being read; true when it arrived whole, false when it was cut short. */
        @Nullable Boolean complete() {
            return complete;
        }

        /** Every value of header {@code name}, as received. */
        List<String> headers(String name) {
            List<String> values = new ArrayList<>();
            String wanted = name.toLowerCase(Locale.ROOT);
            for (String line : head.split("\r\n")) {
                int colon = line.indexOf(':');
                if (colon > 0 && line.substring(0, colon).toLowerCase(Locale.ROOT).equals(wanted)) {
                    values.add(line.substring(colon + 1).trim());
                }
            }
            return values;
        }

        @Override
        public String toString() {
            return method + " " + target + " on connection " + connection + ", " + bodyBytes + " body bytes, "
                    + (complete == null ? "body pending" : complete ? "complete" : "cut short");
        }
    }

    /** Copies every byte read from the socket into its connection's recording. */
    private static final class RecordingInput extends FilterInputStream {
        private final Connection connection;

        RecordingInput(InputStream in, Connection connection) {
            super(in);
            this.connection = connection;
        }

        @Override
        public int read() throws IOException {
            int b = super.read();
            if (b >= 0) {
                connection.record(new byte[] {(byte) b}, 0, 1);
            }
            return b;
        }

        @Override
        public int read(byte[] bytes, int offset, int length) throws IOException {
            int n = super.read(bytes, offset, length);
            if (n > 0) {
                connection.record(bytes, offset, n);
            }
            return n;
        }
    }
}
