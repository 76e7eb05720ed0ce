package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Metrics ({@code pier.metrics}): what {@code GET /_pier/metrics} and the status's latencies and counts show.
 * Immutable.
 *
 * @param enabled whether requests are measured and {@code /_pier/metrics} answers
 * @param latencyWindow how far back the latency percentiles look
 */
public record MetricsSettings(boolean enabled, Duration latencyWindow) {

    public MetricsSettings {
        requireNonNull(latencyWindow, "latencyWindow");
    }
}
