package dev.pier.backend;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * A backend's admin state since its last change: one drain (or maintenance) episode, and when it emptied. Compared
 * by identity where an episode matters (see {@link Backend#markDrained}). Immutable.
 *
 * @param reason who set it, and how
 * @param since when the backend entered this state
 * @param drainedAt when, in this state other than ready, the backend first had no request in flight; else null
 */
public record AdminStatus(AdminState state, String reason, Instant since, @Nullable Instant drainedAt) {

    public AdminStatus {
        requireNonNull(state, "state");
        requireNonNull(reason, "reason");
        requireNonNull(since, "since");
    }

    /** This episode, emptied at {@code at}. */
    AdminStatus drained(Instant at) {
        return new AdminStatus(state, reason, since, at);
    }
}
