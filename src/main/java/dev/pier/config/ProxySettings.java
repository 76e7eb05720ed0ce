package dev.pier.config;

import java.time.Duration;

/** How Pier talks to backends, for all routes. Immutable. */
public record ProxySettings(Duration connectTimeout, Duration requestTimeout, int maxConnectionsPerBackend,
                            Duration idleTimeout, int clientThreads) {
}
