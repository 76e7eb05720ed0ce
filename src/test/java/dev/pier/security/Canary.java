package dev.pier.security;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A listening socket on a free loopback port that nothing may ever connect to: requests that name it (absolute
 * form, {@code Host}, {@code CONNECT}) must never make Pier open a connection there. Counts every connection it
 * accepts. Thread-safe.
 */
final class Canary implements AutoCloseable {

    private final ServerSocket server;
    private final Thread acceptor;
    private final AtomicInteger accepted = new AtomicInteger();

    private Canary() throws IOException {
        server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        acceptor = new Thread(this::accept, "canary-accept");
        acceptor.setDaemon(true);
        acceptor.start();
    }

    static Canary start() {
        try {
            return new Canary();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private void accept() {
        while (!server.isClosed()) {
            try (Socket ignored = server.accept()) {
                accepted.incrementAndGet();
            } catch (IOException e) {
                // Closed: the loop ends.
            }
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** {@code 127.0.0.1:port}, for Host headers and request targets. */
    String authority() {
        return "127.0.0.1:" + port();
    }

    /** Connections accepted so far; a test asserts zero. */
    int accepted() {
        return accepted.get();
    }

    @Override
    public void close() {
        try {
            server.close();
            acceptor.join(5_000);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
