package dev.pier.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;

/**
 * The series of one route as a whole (tag {@code route}): its retries, and its answers that no backend gave
 * ({@code backend="-"}: 403, 404 of no route, 429, 503 with every backend down...). Kept across reloads that keep
 * the route. Thread-safe: Micrometer's meters.
 */
final class RouteSeries {

    private final BackendMeters local;
    private final Counter retries;

    RouteSeries(MeterRegistry registry, String route, Duration latencyWindow) {
        this.local = new BackendMeters(registry, route, "-", latencyWindow);
        this.retries = Counter.builder("pier.retries").description("Tries of a request beyond its first")
                .tag("route", route).register(registry);
    }

    BackendMeters local() {
        return local;
    }

    void retried() {
        retries.increment();
    }

    void remove(MeterRegistry registry) {
        local.remove(registry);
        registry.remove(retries);
    }
}
