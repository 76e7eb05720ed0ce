package dev.pier.config;

import java.time.Duration;
import java.util.List;

/** One route: a path prefix and the backends that serve it. Immutable. */
public record RouteSettings(String prefix, boolean stripPrefix, PolicyName policy, List<BackendSettings> backends,
                            Duration requestTimeout, HealthCheckSettings healthCheck) {

    public RouteSettings {
        backends = List.copyOf(backends);
    }
}
