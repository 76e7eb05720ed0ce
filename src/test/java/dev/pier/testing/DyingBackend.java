package dev.pier.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A backend that reads each request in full, body included, and then closes the connection without answering:
 * a server that dies after the request reached it. TCP probes see it up. Counts the requests it received.
 */
public final class DyingBackend implements AutoCloseable {

    private final ServerSocket socket;
    private final Thread acceptor;
    private final AtomicInteger requests = new AtomicInteger();
    private final AtomicInteger bodyBytes = new AtomicInteger();

    private DyingBackend() throws IOException {
        socket = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "dying-backend");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    public static DyingBackend start() {
        try {
            return new DyingBackend();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void accept() {
        while (!socket.isClosed()) {
            try (Socket connection = socket.accept()) {
                connection.setSoTimeout(10_000);
                readRequest(connection.getInputStream());
            } catch (IOException e) {
                // Closed, or the peer went away: either way, on to the next connection.
            }
        }
    }

    private void readRequest(InputStream in) throws IOException {
        ByteArrayOutputStream head = new ByteArrayOutputStream();
        int matched = 0;
        for (int b; matched < 4 && (b = in.read()) >= 0; ) {
            head.write(b);
            matched = (b == (matched % 2 == 0 ? '\r' : '\n')) ? matched + 1 : (b == '\r' ? 1 : 0);
        }
        if (matched < 4) {
            return;
        }
        long length = 0;
        for (String line : head.toString(StandardCharsets.ISO_8859_1).split("\r\n")) {
            if (line.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
                length = Long.parseLong(line.substring(15).trim());
            }
        }
        long read = 0;
        while (read < length && in.read() >= 0) {
            read++;
        }
        bodyBytes.addAndGet((int) read);
        requests.incrementAndGet();
    }

    public String url() {
        return "http://127.0.0.1:" + socket.getLocalPort();
    }

    /** Requests read in full (headers and body) before the connection was closed. */
    public int requests() {
        return requests.get();
    }

    /** Body bytes read over all requests. */
    public int bodyBytes() {
        return bodyBytes.get();
    }

    @Override
    public void close() {
        try {
            socket.close();
            acceptor.join(5_000);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
