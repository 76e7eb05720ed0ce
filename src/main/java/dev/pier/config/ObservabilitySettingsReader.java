package dev.pier.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;

/**
 * Reads {@code pier.access-log} and {@code pier.metrics}. Every problem goes to the caller's {@link Problems} with
 * its file, line and key. Stateless.
 */
final class ObservabilitySettingsReader {

    /** The keys this reader adds under {@code pier}. */
    static final Set<String> PIER_KEYS = Set.of("access-log", "metrics");

    private static final Set<String> ACCESS_LOG_KEYS = Set.of("enabled", "format", "include-query");
    private static final Set<String> METRICS_KEYS = Set.of("enabled", "latency-window");

    private ObservabilitySettingsReader() {
    }

    static ObservabilitySettings read(Problems problems, Config config) {
        String log = "pier.access-log";
        problems.unknownKeys(config.getObject(log), log, ACCESS_LOG_KEYS);
        Config logConfig = config.getConfig(log);
        Boolean logEnabled = problems.get(logConfig, "enabled", log + ".enabled", Config::getBoolean);
        AccessLogSettings.Format format = problems.enumValue(logConfig, "format", log + ".format",
                AccessLogSettings.Format.values(), AccessLogSettings.Format::configName);
        Boolean query = problems.get(logConfig, "include-query", log + ".include-query", Config::getBoolean);

        String metrics = "pier.metrics";
        problems.unknownKeys(config.getObject(metrics), metrics, METRICS_KEYS);
        Config metricsConfig = config.getConfig(metrics);
        Boolean metricsEnabled = problems.get(metricsConfig, "enabled", metrics + ".enabled", Config::getBoolean);
        Duration window = problems.duration(metricsConfig, "latency-window", metrics + ".latency-window", true);
        // A value that could not be read is a problem already, thrown before these placeholders are used.
        return new ObservabilitySettings(
                new AccessLogSettings(logEnabled != null && logEnabled,
                        format == null ? AccessLogSettings.Format.LOGFMT : format, query != null && query),
                new MetricsSettings(metricsEnabled != null && metricsEnabled, window == null ? Duration.ZERO : window));
    }
}
