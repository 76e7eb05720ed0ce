/** Backends: their immutable identity, their health, and the snapshot of eligible backends a route publishes. */
@NullMarked
package dev.pier.backend;

import org.jspecify.annotations.NullMarked;
