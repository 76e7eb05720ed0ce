/**
 * Backends: their address, their live state (load, admin state, weight, recent probes), and the snapshot of
 * eligible backends a route publishes.
 */
@NullMarked
package dev.pier.backend;

import org.jspecify.annotations.NullMarked;
