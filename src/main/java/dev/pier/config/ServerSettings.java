package dev.pier.config;

import java.time.Duration;

/**
 * Where the embedded server listens and how long it lets in-flight requests finish on shutdown. Immutable.
 */
public record ServerSettings(String host, int port, Duration shutdownTimeout) {
}
