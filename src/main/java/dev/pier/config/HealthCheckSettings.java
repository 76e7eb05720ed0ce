package dev.pier.config;

import java.time.Duration;

/** Active health-check settings of one route (defaults merged with the route's overrides). Immutable. */
public record HealthCheckSettings(HealthCheckKind kind, String path, Duration interval, Duration timeout,
                                  int healthyThreshold, int unhealthyThreshold) {
}
