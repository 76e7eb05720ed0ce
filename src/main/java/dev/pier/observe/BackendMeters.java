package dev.pier.observe;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.Health;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * The series of one backend of one route (tags {@code route} and {@code backend}), or of a route's answers that no
 * backend gave ({@code backend="-"}): requests by status class, their durations, and for a real backend its
 * health, load, probes, transitions and ejections. Created once per route and backend and kept across reloads that
 * keep the backend, so its counts go on; {@link #bind} points the gauges at the backend's current pool. Thread-safe:
 * the meters are Micrometer's; the binding is one volatile field.
 */
final class BackendMeters {

    /** The status classes counted, in order; a status outside 200-599 counts in the nearest. */
    static final List<String> CODES = List.of("2xx", "3xx", "4xx", "5xx");

    /** The histogram's buckets: 5 ms to 10 s. */
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};

    private final List<Meter> meters = new ArrayList<>();
    private final Counter[] requests = new Counter[CODES.size()];
    private final Timer duration;
    private final LatencyWindow latency;
    private final @Nullable Counter probesPassed;
    private final @Nullable Counter probesFailed;
    private final @Nullable Counter transitions;
    private final @Nullable Counter ejections;
    private volatile @Nullable Binding binding;

    /**
     * @param backend {@code host:port}, or {@code -} for the answers that no backend gave
     * @param latencyWindow how far back the status's percentiles look (see {@link LatencyWindow})
     */
    BackendMeters(MeterRegistry registry, String route, String backend, Duration latencyWindow) {
        Tags tags = Tags.of("route", route, "backend", backend);
        for (int i = 0; i < requests.length; i++) {
            requests[i] = add(Counter.builder("pier.requests").description("Requests answered, by status class")
                    .tags(tags).tag("code", CODES.get(i)).register(registry));
        }
        duration = add(Timer.builder("pier.request.duration")
                .description("Time from a request's arrival to the end of its answer")
                .tags(tags)
                .serviceLevelObjectives(BUCKETS)
                .register(registry));
        latency = new LatencyWindow(latencyWindow, System.nanoTime());
        if (backend.equals("-")) {
            probesPassed = null;
            probesFailed = null;
            transitions = null;
            ejections = null;
            return;
        }
        add(Gauge.builder("pier.backend.up", this, m -> m.is(Health.UP) ? 1 : 0)
                .description("1 while the backend is up, else 0").tags(tags).strongReference(true).register(registry));
        for (Health health : Health.values()) {
            add(Gauge.builder("pier.backend.state", this, m -> m.is(health) ? 1 : 0)
                    .description("1 for the backend's health state, 0 for the others")
                    .tags(tags).tag("state", health.name().toLowerCase(Locale.ROOT))
                    .strongReference(true).register(registry));
        }
        for (AdminState state : AdminState.values()) {
            add(Gauge.builder("pier.backend.admin.state", this, m -> m.isAdmin(state) ? 1 : 0)
                    .description("1 for the backend's admin state (ready, drain, maint), 0 for the others")
                    .tags(tags).tag("state", state.configName())
                    .strongReference(true).register(registry));
        }
        add(Gauge.builder("pier.backend.in.flight", this, BackendMeters::inFlight)
                .description("Requests sent to the backend whose exchange has not ended")
                .tags(tags).strongReference(true).register(registry));
        probesPassed = add(Counter.builder("pier.health.checks").description("Health probes, by result")
                .tags(tags).tag("result", "success").register(registry));
        probesFailed = add(Counter.builder("pier.health.checks").description("Health probes, by result")
                .tags(tags).tag("result", "failure").register(registry));
        transitions = add(Counter.builder("pier.backend.transitions")
                .description("Changes of the backend's health").tags(tags).register(registry));
        ejections = add(Counter.builder("pier.passive.ejections")
                .description("Times passive health marked the backend down").tags(tags).register(registry));
    }

    private <M extends Meter> M add(M meter) {
        meters.add(meter);
        return meter;
    }

    /** Points the gauges at {@code backend} in {@code pool}: the route's pool of the newest configuration. */
    void bind(BackendPool pool, Backend backend) {
        binding = new Binding(pool, backend);
    }

    /**
     * Counts one answer of {@code status} that took {@code nanos} and ended at {@code endNanos}. Lock-free;
     * allocates nothing of its own.
     */
    void record(int status, long nanos, long endNanos) {
        int index = status / 100 - 2;
        requests[index < 0 ? 0 : Math.min(index, requests.length - 1)].increment();
        duration.record(nanos, TimeUnit.NANOSECONDS);
        latency.record(nanos, endNanos);
    }

    void probed(boolean healthy) {
        Counter counter = healthy ? probesPassed : probesFailed;
        if (counter != null) {
            counter.increment();
        }
    }

    void changed() {
        if (transitions != null) {
            transitions.increment();
        }
    }

    void ejected() {
        if (ejections != null) {
            ejections.increment();
        }
    }

    /** Removes every series of this backend from {@code registry}: it is no longer configured. */
    void remove(MeterRegistry registry) {
        meters.forEach(registry::remove);
    }

    /**
     * Appends the status's {@code ,"latency":{"p50":..,"p99":..},"counts":{"2xx":..,..}}: milliseconds over the
     * latency window, and answers since the series began.
     */
    void appendStatus(StringBuilder json) {
        long[] nanos = latency.percentiles(System.nanoTime(), 50, 99);
        json.append(",\"latency\":{\"p50\":").append(AccessLog.millis(nanos[0]))
                .append(",\"p99\":").append(AccessLog.millis(nanos[1]));
        json.append("},\"counts\":{");
        for (int i = 0; i < requests.length; i++) {
            json.append(i == 0 ? "" : ",").append('"').append(CODES.get(i)).append("\":")
                    .append((long) requests[i].count());
        }
        json.append('}');
    }

    private boolean isAdmin(AdminState state) {
        Binding current = binding;
        return current != null && current.backend.adminState() == state;
    }

    private boolean is(Health health) {
        Binding current = binding;
        return current != null && current.pool.health(current.backend) == health;
    }

    private int inFlight() {
        Binding current = binding;
        return current == null ? 0 : current.backend.inFlight();
    }

    /** A backend and the pool that holds it. Immutable. */
    private record Binding(BackendPool pool, Backend backend) {
    }
}
