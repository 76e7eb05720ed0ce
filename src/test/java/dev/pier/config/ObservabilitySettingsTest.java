package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ObservabilitySettingsTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("pier.conf");
        Files.writeString(file, text);
        return file;
    }

    @Test
    void defaultsComeFromTheReference() throws IOException {
        ObservabilitySettings settings = SettingsLoader.load(write(
                "pier { routes = [ { prefix = \"/\", backends = [\"http://127.0.0.1:8081\"] } ] }")).observability();

        assertThat(settings.accessLog()).isEqualTo(new AccessLogSettings(true, AccessLogSettings.Format.LOGFMT, false));
        assertThat(settings.metrics()).isEqualTo(new MetricsSettings(true, Duration.ofSeconds(60)));
    }

    @Test
    void everyKeyCanBeSet() throws IOException {
        ObservabilitySettings settings = SettingsLoader.load(write("""
                pier {
                  access-log { enabled = false, format = json, include-query = true }
                  metrics { enabled = false, latency-window = 5m }
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:8081"] } ]
                }
                """)).observability();

        assertThat(settings.accessLog()).isEqualTo(new AccessLogSettings(false, AccessLogSettings.Format.JSON, true));
        assertThat(settings.metrics()).isEqualTo(new MetricsSettings(false, Duration.ofMinutes(5)));
    }

    @Test
    void badValuesNameTheFileTheLineAndTheKey() throws IOException {
        Path file = write("""
                pier {
                  access-log { format = xml, colour = true }
                  metrics { latency-window = 0s, enabled = maybe }
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:8081"] } ]
                }
                """);

        assertThatThrownBy(() -> SettingsLoader.load(file)).isInstanceOf(ConfigException.ValidationFailed.class)
                .satisfies(e -> assertThat(SettingsLoader.describe((ConfigException) e))
                        .contains(file + ": 2: pier.access-log.format: unknown format 'xml' (expected one of: logfmt, json)")
                        .contains(file + ": 2: pier.access-log.colour: unknown key 'colour' (expected one of: enabled, "
                                + "format, include-query)")
                        .contains(file + ": 3: pier.metrics.latency-window: duration: 0s (expected: > 0)")
                        .contains(file + ": 3: pier.metrics.enabled"));
    }
}
