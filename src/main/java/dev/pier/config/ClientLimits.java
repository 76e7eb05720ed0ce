package dev.pier.config;

import java.time.Duration;

/**
 * What the embedded server allows a client connection, so that no slow or greedy client holds what others need.
 * Immutable.
 *
 * @param headerTimeout how long a connection may take to send a whole request head, from its opening or from the
 *                      end of its previous answer
 * @param idleTimeout how long nothing may move on a connection while Pier reads its body or writes its answer
 * @param maxHeaderCount most header fields in a request
 * @param maxConnections most client connections open at once
 */
public record ClientLimits(Duration headerTimeout, Duration idleTimeout, int maxHeaderCount, int maxConnections) {
}
