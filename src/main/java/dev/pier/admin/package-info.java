/** Pier's own endpoints under {@code /_pier}: liveness, readiness and status. Never proxied. */
@NullMarked
package dev.pier.admin;

import org.jspecify.annotations.NullMarked;
