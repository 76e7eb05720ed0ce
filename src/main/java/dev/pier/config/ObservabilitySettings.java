package dev.pier.config;

import static java.util.Objects.requireNonNull;

/** What operators see of the traffic: the access log and the metrics. Immutable. */
public record ObservabilitySettings(AccessLogSettings accessLog, MetricsSettings metrics) {

    public ObservabilitySettings {
        requireNonNull(accessLog, "accessLog");
        requireNonNull(metrics, "metrics");
    }
}
