/** Active health checks: the scheduler's owner, HTTP and TCP probes, and the thresholds' state machine. */
@NullMarked
package dev.pier.health;

import org.jspecify.annotations.NullMarked;
