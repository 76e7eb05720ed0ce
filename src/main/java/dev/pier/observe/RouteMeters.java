package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendEvents;
import dev.pier.backend.Health;
import java.util.IdentityHashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The meters of one route of one configuration: each of its backends' series, found by the backend itself (an
 * identity map, never a lookup by tags), the series of its answers that no backend gave, and its retries. Told of
 * its pool's probes, changes and ejections. Immutable, over thread-safe meters.
 */
final class RouteMeters implements BackendEvents {

    private final RouteSeries route;
    private final Map<Backend, BackendMeters> backends;

    RouteMeters(RouteSeries route, Map<Backend, BackendMeters> backends) {
        this.route = route;
        this.backends = new IdentityHashMap<>(backends);
    }

    RouteSeries series() {
        return route;
    }

    /** The series of {@code backend}, or of the answers no backend gave when it is null or not this route's. */
    BackendMeters of(@Nullable Backend backend) {
        BackendMeters meters = backend == null ? null : backends.get(backend);
        return meters == null ? route.local() : meters;
    }

    /** The series of {@code backend}, or null when it is not one of this route's. */
    @Nullable BackendMeters ofBackend(Backend backend) {
        return backends.get(backend);
    }

    @Override
    public void probed(Backend backend, boolean healthy) {
        BackendMeters meters = backends.get(backend);
        if (meters != null) {
            meters.probed(healthy);
        }
    }

    @Override
    public void changed(Backend backend, Health health) {
        BackendMeters meters = backends.get(backend);
        if (meters != null) {
            meters.changed();
        }
    }

    @Override
    public void ejected(Backend backend) {
        BackendMeters meters = backends.get(backend);
        if (meters != null) {
            meters.ejected();
        }
    }
}
