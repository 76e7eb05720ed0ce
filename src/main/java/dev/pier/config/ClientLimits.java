package dev.pier.config;

import java.time.Duration;

/**
 * What the embedded server allows a client connection, so that no slow or greedy client holds what others need.
 * Immutable.
 *
 * @param headerTimeout how long a connection may take to send a whole request head, from its opening or from the
 *                      end of its previous answer
 * @param bodyIdleTimeout how long no byte of a request's body may arrive while Pier reads it
 * @param writeIdleTimeout how long a client may read nothing of its answer while Pier writes it
 * @param maxHeaderCount most header fields in a request
 * @param maxConnections most client connections open at once
 */
public record ClientLimits(Duration headerTimeout, Duration bodyIdleTimeout, Duration writeIdleTimeout,
                           int maxHeaderCount, int maxConnections) {
}
