package dev.pier.health;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

/**
 * A TCP connection to the backend that opens within the timeout is healthy. The blocking connect runs on the
 * given executor, bounded by the timeout, so a hanging backend holds one of its threads and nothing else.
 * Thread-safe.
 */
final class TcpProbe implements Probe {

    private final Executor executor;
    private final Duration timeout;

    TcpProbe(Executor executor, Duration timeout) {
        this.executor = requireNonNull(executor, "executor");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    @Override
    public CompletableFuture<ProbeResult> probe(Backend backend) {
        return CompletableFuture.supplyAsync(() -> connect(backend), executor)
                .exceptionally(failure -> ProbeResult.failed(failure, timeout));
    }

    private ProbeResult connect(Backend backend) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(backend.host(), backend.port()), (int) timeout.toMillis());
            return ProbeResult.up("TCP connection opened");
        } catch (IOException e) {
            return ProbeResult.failed(e, timeout);
        }
    }
}
