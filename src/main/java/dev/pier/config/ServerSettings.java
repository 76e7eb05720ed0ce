package dev.pier.config;

import java.time.Duration;

/**
 * Where the embedded server listens, how many threads it runs, how long it lets in-flight requests finish on
 * shutdown, and what it allows a client. Immutable.
 */
public record ServerSettings(String host, int port, int threads, Duration shutdownTimeout, ClientLimits limits) {

    /** These settings listening on {@code host} and {@code port} instead. */
    public ServerSettings at(String host, int port) {
        return new ServerSettings(host, port, threads, shutdownTimeout, limits);
    }
}
