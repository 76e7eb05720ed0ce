package dev.pier.config;

import java.time.Duration;

/**
 * A route's WebSocket tunnels. Immutable.
 *
 * @param idleTimeout how long a tunnel may carry nothing, either way, before both of its sides are closed
 * @param maxMessageSize the largest message, in bytes, that a tunnel carries either way
 */
public record WebSocketSettings(Duration idleTimeout, long maxMessageSize) {
}
