package dev.pier.backend;

/**
 * What happens to the backends of one route, told as it happens: each probe's outcome, each change of health and
 * each passive ejection. Metrics count them. Implementations are thread-safe and never block: they are called on
 * the probes' threads and on requests' threads.
 */
public interface BackendEvents {

    /** Tells nothing to anyone. */
    BackendEvents NONE = new BackendEvents() {
    };

    /** A health probe of {@code backend} succeeded or failed. */
    default void probed(Backend backend, boolean healthy) {
    }

    /** {@code backend} is now {@code health}; told once per change. */
    default void changed(Backend backend, Health health) {
    }

    /** Passive health marked {@code backend} down after failed requests; {@link #changed} is told too. */
    default void ejected(Backend backend) {
    }
}
