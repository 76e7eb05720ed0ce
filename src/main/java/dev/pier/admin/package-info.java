/**
 * Pier's own endpoints under {@code /_pier}: liveness, readiness, status, reload, and steering backends (admin
 * states, weights, the drain wait, explain). Never proxied.
 */
@NullMarked
package dev.pier.admin;

import org.jspecify.annotations.NullMarked;
