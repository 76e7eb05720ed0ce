package dev.pier.backend;

import java.time.Instant;

/**
 * A backend's health at one moment, with the reason of its last transition. Immutable.
 *
 * @param since when the backend entered this state
 */
public record BackendStatus(Backend backend, Health health, String reason, Instant since) {
}
