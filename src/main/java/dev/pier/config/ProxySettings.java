package dev.pier.config;

import java.time.Duration;

/** How Pier talks to backends, for all routes. Immutable. */
public record ProxySettings(Duration connectTimeout, Duration requestTimeout, int maxConnectionsPerBackend,
                            int maxQueuedPerBackend, Duration idleTimeout, int clientThreads) {

    /** These settings with another request timeout. */
    public ProxySettings withRequestTimeout(Duration timeout) {
        return new ProxySettings(connectTimeout, timeout, maxConnectionsPerBackend, maxQueuedPerBackend, idleTimeout,
                clientThreads);
    }
}
