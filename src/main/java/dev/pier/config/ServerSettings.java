package dev.pier.config;

import java.time.Duration;

/**
 * Where the embedded server listens, how many threads it runs and how long it lets in-flight requests finish on
 * shutdown. Immutable.
 */
public record ServerSettings(String host, int port, int threads, Duration shutdownTimeout) {
}
