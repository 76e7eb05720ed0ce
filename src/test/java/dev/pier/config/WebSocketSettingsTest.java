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

class WebSocketSettingsTest {

    @TempDir
    Path directory;

    private Path write(String body) throws IOException {
        Path file = directory.resolve("pier.conf");
        Files.writeString(file, body);
        return file;
    }

    @Test
    void routesGetTheReferenceDefaultsThenRouteDefaultsThenTheirOwn() throws IOException {
        PierSettings settings = SettingsLoader.load(write("""
                pier {
                  route-defaults { websocket { idle-timeout = 10m } }
                  routes = [
                    { prefix = "/a", backends = ["http://127.0.0.1:8081"] },
                    { prefix = "/b", backends = ["http://127.0.0.1:8082"], websocket { max-message-size = 8MiB } }
                  ]
                }
                """));

        assertThat(settings.routes().get(0).webSocket())
                .isEqualTo(new WebSocketSettings(Duration.ofMinutes(10), 1 << 20));
        assertThat(settings.routes().get(1).webSocket())
                .isEqualTo(new WebSocketSettings(Duration.ofMinutes(10), 8 << 20));
    }

    @Test
    void theReadmeExampleLoads() throws IOException {
        PierSettings settings = SettingsLoader.load(write("""
                pier {
                  route-defaults {
                    websocket { idle-timeout = 10m }          # every route's, unless it sets its own
                  }
                  routes = [
                    { prefix = "/live", backends = ["http://10.0.0.5:8080", "http://10.0.0.6:8080"],
                      policy = least-connections,
                      websocket { idle-timeout = 1h, max-message-size = 4MiB } }
                  ]
                }
                """));

        assertThat(settings.routes().get(0).webSocket()).isEqualTo(new WebSocketSettings(Duration.ofHours(1), 4 << 20));
    }

    @Test
    void badValuesNameFileLineAndKey() throws IOException {
        Path file = write("""
                pier {
                  route-defaults { websocket { idle-timeout = 0s } }
                  routes = [ { prefix = "/a", backends = ["http://127.0.0.1:8081"],
                    websocket { max-message-size = 0, idle-time = 5s } } ]
                }
                """);

        assertThatThrownBy(() -> SettingsLoader.load(file)).isInstanceOf(ConfigException.ValidationFailed.class)
                .hasMessageContaining("pier.conf: 2: pier.route-defaults.websocket.idle-timeout: duration: 0s (expected: > 0)")
                .hasMessageContaining("pier.conf: 4: pier.routes[0].websocket.max-message-size: max-message-size: 0 "
                        + "(expected: a size of at least 1 byte)")
                .hasMessageContaining("pier.conf: 4: pier.routes[0].websocket.idle-time: unknown key 'idle-time'");
    }
}
