package dev.pier.security;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One TCP connection to Pier that writes exact bytes and reads with bounded waits: a response head, a whole
 * response, or everything until the server closes. Every read gives up at its deadline with an
 * {@link AssertionError}, so a test never hangs on a server that neither answers nor closes. Not thread-safe,
 * apart from {@link #close} and {@link #abort}, which any thread may call to end a blocked read or write.
 */
final class RawClient implements AutoCloseable {

    static final Duration DEFAULT_WAIT = Duration.ofSeconds(10);

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;
    /** Read from the socket but not yet consumed by a parse. */
    private byte[] pending = new byte[0];
    private boolean eof;

    private RawClient(Socket socket) throws IOException {
        this.socket = socket;
        this.in = socket.getInputStream();
        this.out = socket.getOutputStream();
    }

    /** Connects to 127.0.0.1:{@code port}. */
    static RawClient connect(int port) {
        return connect(port, 0);
    }

    /** Connects with a receive buffer of {@code receiveBuffer} bytes (0: the system's), set before connecting. */
    static RawClient connect(int port, int receiveBuffer) {
        Socket socket = new Socket();
        try {
            if (receiveBuffer > 0) {
                socket.setReceiveBufferSize(receiveBuffer);
            }
            socket.connect(new InetSocketAddress("127.0.0.1", port), 5_000);
            socket.setTcpNoDelay(true);
            return new RawClient(socket);
        } catch (IOException e) {
            try {
                socket.close();
            } catch (IOException ignored) {
                // Already failing.
            }
            throw new IllegalStateException("cannot connect to 127.0.0.1:" + port, e);
        }
    }

    /** Writes {@code text} as ISO-8859-1 bytes, exactly as given. */
    RawClient send(String text) {
        return send(text.getBytes(StandardCharsets.ISO_8859_1));
    }

    RawClient send(byte[] bytes) {
        try {
            out.write(bytes);
            out.flush();
            return this;
        } catch (IOException e) {
            throw new IllegalStateException("cannot write to Pier", e);
        }
    }

    /** Writes {@code text}; false when the server has closed or reset the connection. */
    boolean trySend(String text) {
        try {
            out.write(text.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    /** One response: its head, then its body as its framing says; null when the server closed first. */
    @Nullable RawResponse readResponse() {
        return readResponse(DEFAULT_WAIT, false);
    }

    /**
     * One response within {@code wait}; {@code head} true for a response to HEAD (no body). Null when the server
     * closed before a whole head arrived. A body cut short by a close is returned with {@code complete} false.
     */
    @Nullable RawResponse readResponse(Duration wait, boolean head) {
        long deadline = System.nanoTime() + wait.toNanos();
        int end = fill(deadline, "\r\n\r\n");
        if (end < 0) {
            return null;
        }
        String headText = new String(take(end + 4), StandardCharsets.ISO_8859_1);
        RawResponse bare = RawResponse.of(headText, new byte[0], true);
        int status = bare.status();
        if (head || status == 204 || status == 304 || (status >= 100 && status < 200)) {
            return bare;
        }
        String length = bare.header("Content-Length");
        String encoding = bare.header("Transfer-Encoding");
        if (encoding != null && encoding.toLowerCase(Locale.ROOT).contains("chunked")) {
            return readChunked(headText, deadline);
        }
        if (length != null) {
            int size = Integer.parseInt(length.trim());
            boolean complete = fillBytes(deadline, size);
            return RawResponse.of(headText, take(Math.min(size, pending.length)), complete);
        }
        // Neither: the body runs until the close.
        drain(deadline);
        return RawResponse.of(headText, take(pending.length), true);
    }

    private RawResponse readChunked(String headText, long deadline) {
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        while (true) {
            int line = fill(deadline, "\r\n");
            if (line < 0) {
                return RawResponse.of(headText, body.toByteArray(), false);
            }
            String sizeLine = new String(take(line + 2), StandardCharsets.ISO_8859_1).trim();
            int semicolon = sizeLine.indexOf(';');
            int size = Integer.parseInt(semicolon < 0 ? sizeLine : sizeLine.substring(0, semicolon), 16);
            if (size == 0) {
                // Trailers, if any, end with an empty line.
                int trailerEnd = fill(deadline, "\r\n");
                while (trailerEnd > 0) {
                    take(trailerEnd + 2);
                    trailerEnd = fill(deadline, "\r\n");
                }
                if (trailerEnd < 0) {
                    return RawResponse.of(headText, body.toByteArray(), false);
                }
                take(2);
                return RawResponse.of(headText, body.toByteArray(), true);
            }
            if (!fillBytes(deadline, size + 2)) {
                body.writeBytes(take(Math.min(size, pending.length)));
                return RawResponse.of(headText, body.toByteArray(), false);
            }
            body.writeBytes(take(size));
            take(2);
        }
    }

    /**
     * Reads until a whole head and at least {@code bodyBytes} bytes after it have arrived (or the close), and
     * returns the head; the bytes read are discarded.
     */
    String readUntilHeadAndSome(int bodyBytes, Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        int end = fill(deadline, "\r\n\r\n");
        if (end < 0) {
            return "";
        }
        String head = new String(take(end + 4), StandardCharsets.ISO_8859_1);
        fillBytes(deadline, bodyBytes);
        pending = new byte[0];
        return head;
    }

    /** Everything the server sends until it closes the connection, within {@code wait}. */
    String readUntilClose(Duration wait) {
        drain(System.nanoTime() + wait.toNanos());
        return new String(take(pending.length), StandardCharsets.ISO_8859_1);
    }

    String readUntilClose() {
        return readUntilClose(DEFAULT_WAIT);
    }

    /**
     * Reads and discards until the server closes or resets the connection, for at most {@code wait}.
     *
     * @return whether it closed in time
     */
    boolean awaitClosed(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (!eof) {
                readSome(deadline);
                pending = new byte[0];
            }
            return true;
        } catch (AssertionError timedOut) {
            return false;
        }
    }

    /** Whether the server closed (or reset) the connection, as far as reads have seen. */
    boolean closedByServer() {
        return eof;
    }

    /**
     * Whether the connection is still open after {@code wait}: no close is seen meanwhile. Data that arrives
     * meanwhile is kept for later reads.
     */
    boolean staysOpenFor(Duration wait) {
        long deadline = System.nanoTime() + wait.toNanos();
        try {
            while (!eof) {
                readSome(deadline);
            }
            return false;
        } catch (AssertionError timedOut) {
            return true;
        }
    }

    /** Closes with a reset (SO_LINGER 0): what a client that crashes or is killed does. */
    void abort() {
        try {
            socket.setSoLinger(true, 0);
        } catch (SocketException ignored) {
            // Closed already.
        }
        close();
    }

    @Override
    public void close() {
        try {
            socket.close();
        } catch (IOException ignored) {
            // Nothing left to release.
        }
    }

    /** Reads until {@code delimiter} is buffered; its index, or -1 at the close. */
    private int fill(long deadline, String delimiter) {
        byte[] wanted = delimiter.getBytes(StandardCharsets.ISO_8859_1);
        while (true) {
            int index = indexOf(pending, wanted);
            if (index >= 0) {
                return index;
            }
            if (eof || !readSome(deadline)) {
                return -1;
            }
        }
    }

    /** Reads until {@code size} bytes are buffered; false at the close. */
    private boolean fillBytes(long deadline, int size) {
        while (pending.length < size) {
            if (eof || !readSome(deadline)) {
                return false;
            }
        }
        return true;
    }

    private void drain(long deadline) {
        while (!eof) {
            readSome(deadline);
        }
    }

    /**
     * One read into {@link #pending}; false at the end of the stream (or a reset).
     *
     * @throws AssertionError at the deadline
     */
    private boolean readSome(long deadline) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
            throw new AssertionError("Pier neither answered nor closed within the wait; received so far: "
                    + preview(pending));
        }
        byte[] buffer = new byte[16 * 1024];
        try {
            socket.setSoTimeout((int) Math.max(1, Duration.ofNanos(left).toMillis()));
            int n = in.read(buffer);
            if (n < 0) {
                eof = true;
                return false;
            }
            byte[] joined = new byte[pending.length + n];
            System.arraycopy(pending, 0, joined, 0, pending.length);
            System.arraycopy(buffer, 0, joined, pending.length, n);
            pending = joined;
            return true;
        } catch (SocketTimeoutException e) {
            throw new AssertionError("Pier neither answered nor closed within the wait; received so far: "
                    + preview(pending), e);
        } catch (IOException e) {
            // A reset, or the socket closed under us: the connection is over either way.
            eof = true;
            return false;
        }
    }

    private byte[] take(int count) {
        byte[] taken = new byte[count];
        System.arraycopy(pending, 0, taken, 0, count);
        byte[] rest = new byte[pending.length - count];
        System.arraycopy(pending, count, rest, 0, rest.length);
        pending = rest;
        return taken;
    }

    static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        return -1;
    }

    private static String preview(byte[] data) {
        String text = new String(data, 0, Math.min(data.length, 300), StandardCharsets.ISO_8859_1);
        return "[" + text.replace("\r", "\\r").replace("\n", "\\n") + (data.length > 300 ? "...]" : "]");
    }
}
