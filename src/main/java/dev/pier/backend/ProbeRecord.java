package dev.pier.backend;

import java.time.Instant;

/**
 * One health probe of a backend, as status shows it. Immutable.
 *
 * @param time when the answer (or the failure) came
 * @param durationMillis from sending the probe to its outcome
 * @param reason what was seen ("HTTP 200 from /health", "connection refused")
 */
public record ProbeRecord(Instant time, long durationMillis, boolean healthy, String reason) {
}
