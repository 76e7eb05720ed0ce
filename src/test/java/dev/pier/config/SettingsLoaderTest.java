package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {

    @TempDir
    Path dir;

    private Path write(String text) throws IOException {
        Path file = dir.resolve("pier.conf");
        Files.writeString(file, text);
        return file;
    }

    /** The problems of loading {@code text}, each as "file: line: key: problem". */
    private List<String> problems(String text) throws IOException {
        Path file = write(text);
        try {
            SettingsLoader.load(file);
        } catch (ConfigException.ValidationFailed e) {
            return java.util.stream.StreamSupport.stream(e.problems().spliterator(), false)
                    .map(p -> p.origin().description() + ": " + p.path() + ": " + p.problem())
                    .toList();
        }
        throw new AssertionError("expected a validation failure");
    }

    private String at(int line) {
        return dir.resolve("pier.conf") + ": " + line + ": ";
    }

    @Test
    void readsTheIssueExampleWithDefaultsAndOverrides() throws IOException {
        PierSettings settings = SettingsLoader.load(write("""
                pier {
                  server { host = "127.0.0.1", port = 9000 }
                  proxy { connect-timeout = 1s }
                  health-check { interval = 5s }
                  routes = [
                    { prefix = "/api/users", strip-prefix = false, policy = round-robin,
                      backends = ["http://127.0.0.1:8081", { url = "http://127.0.0.1:8084", weight = 2 }],
                      proxy { request-timeout = 5s }
                      health-check { path = "/ping" } }
                    { prefix = "/", backends = ["https://Example.COM:8443/"] }
                  ]
                }
                """));
        assertThat(settings.server().port()).isEqualTo(9000);
        assertThat(settings.server().threads()).isEqualTo(16);
        assertThat(settings.proxy().connectTimeout()).isEqualTo(Duration.ofSeconds(1));
        assertThat(settings.proxy().requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        RouteSettings users = settings.routes().get(0);
        assertThat(users.prefix()).isEqualTo("/api/users");
        assertThat(users.policy()).isEqualTo(PolicyName.ROUND_ROBIN);
        assertThat(users.requestTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(users.backends()).extracting(BackendSettings::url, BackendSettings::weight)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("http://127.0.0.1:8081", 1),
                        org.assertj.core.groups.Tuple.tuple("http://127.0.0.1:8084", 2));
        assertThat(users.healthCheck()).isEqualTo(new HealthCheckSettings(HealthCheckKind.HTTP, "/ping",
                Duration.ofSeconds(5), Duration.ofSeconds(3), 2, 3));
        RouteSettings fallback = settings.routes().get(1);
        assertThat(fallback.backends().get(0).url()).isEqualTo("https://example.com:8443");
        assertThat(fallback.requestTimeout()).isEqualTo(Duration.ofSeconds(30));
        assertThat(fallback.healthCheck().path()).isEqualTo("/health");
    }

    @Test
    void noRoutesIsAnError() throws IOException {
        assertThat(problems("pier { }\n")).singleElement().asString()
                .contains("pier.routes: no routes are configured");
    }

    @Test
    void everyProblemIsReportedAtOnceWithFileLineAndKey() throws IOException {
        List<String> problems = problems("""
                pier {
                  routes = [
                    { prefix = "/a", backends = [] }
                    { prefix = "/b" }
                    { prefix = "/c", backends = ["ftp://127.0.0.1:21", "http://127.0.0.1", "http://h:1/path"] }
                    { prefix = "/c", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/d", backends = ["http://127.0.0.1:1"],
                      health-check { healthy-threshold = 0, kind = udp } }
                    { prefix = "/e", policy = fastest, backends = ["http://127.0.0.1:1"] }
                    { prefix = "/f", backends = ["http://127.0.0.1:1"], proxy { request-timeout = -1s } }
                    { prefix = "/g", backends = [{ url = "http://127.0.0.1:1", weight = 0 }] }
                    { prefix = "h", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/i", backends = [{ url = "http://127.0.0.1:1", weight = 1000000000 }] }
                  ]
                  health-check { unhealthy-threshold = 0 }
                }
                """);
        assertThat(problems).containsExactlyInAnyOrder(
                at(3) + "pier.routes[0].backends: a route without backends (expected: a list of at least one "
                        + "http(s)://host:port)",
                at(4) + "pier.routes[1].backends: missing backends (expected: a list of at least one "
                        + "http(s)://host:port)",
                at(5) + "pier.routes[2].backends[0]: 'ftp://127.0.0.1:21' is not a backend URL (expected: "
                        + "http://host:port or https://host:port, with no path, query or user)",
                at(5) + "pier.routes[2].backends[1]: 'http://127.0.0.1' is not a backend URL (expected: "
                        + "http://host:port or https://host:port, with no path, query or user)",
                at(5) + "pier.routes[2].backends[2]: 'http://h:1/path' is not a backend URL (expected: "
                        + "http://host:port or https://host:port, with no path, query or user)",
                at(6) + "pier.routes[3].prefix: duplicate prefix '/c' (each prefix may appear in one route only)",
                at(8) + "pier.routes[4].health-check.healthy-threshold: healthy-threshold: 0 (expected: >= 1)",
                at(8) + "pier.routes[4].health-check.kind: unknown kind 'udp' (expected one of: http, tcp)",
                at(9) + "pier.routes[5].policy: unknown policy 'fastest' (expected one of: round-robin, least-connections, random-two-choices, consistent-hash, sticky-cookie)",
                at(10) + "pier.routes[6].proxy.request-timeout: duration: -1s (expected: > 0)",
                at(11) + "pier.routes[7].backends[0].weight: weight: 0 (expected: >= 1)",
                at(12) + "pier.routes[8].prefix: prefix: 'h' (expected: a path starting with '/')",
                at(13) + "pier.routes[9].backends[0].weight: weight: 1000000000 (expected: 1-256)",
                at(15) + "pier.health-check.unhealthy-threshold: unhealthy-threshold: 0 (expected: >= 1)");
    }

    @Test
    void negativeDurationsAndWrongTypesNameTheirKey() throws IOException {
        List<String> problems = problems("""
                pier {
                  proxy { connect-timeout = -2s }
                  health-check { interval = soon }
                  server { port = "eighty"
                    threads = 2 }
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:1"] } ]
                }
                """);
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .isEqualTo(at(5) + "pier.server.threads: pier.server.threads: 2 (expected: >= 4)"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .isEqualTo(at(2) + "pier.proxy.connect-timeout: duration: -2s (expected: > 0)"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .startsWith(at(3) + "pier.health-check.interval: ").contains("soon"));
        assertThat(problems).anySatisfy(p -> assertThat(p)
                .isEqualTo(at(4) + "pier.server.port: pier.server.port has type STRING rather than NUMBER"));
    }

    @Test
    void unknownKeysAreRejectedSoThatTyposDoNotPassSilently() throws IOException {
        List<String> problems = problems("""
                pier {
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:1"], heath-check { path = "/x" } } ]
                }
                """);
        assertThat(problems).singleElement().asString().startsWith(at(2) + "pier.routes[0].heath-check: "
                + "unknown key 'heath-check' (expected one of: ");
    }

    @Test
    void exceptionMessageNamesFileLineAndKey() throws IOException {
        Path file = write("""
                pier {
                  routes = [
                    { prefix = "/", backends = ["http://127.0.0.1:1"], policy = nope }
                  ]
                }
                """);
        assertThatThrownBy(() -> SettingsLoader.load(file))
                .isInstanceOf(ConfigException.ValidationFailed.class)
                .hasMessageContaining(file + ": 3: pier.routes[0].policy: unknown policy 'nope'");
    }

    @Test
    void syntaxErrorNamesFileAndLine() throws IOException {
        Path file = write("pier {\n  routes = [\n    { prefix = \"/\" \n  ]\n");
        assertThatThrownBy(() -> SettingsLoader.load(file))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining(file + ": 4");
    }

    @Test
    void missingFileIsNamed() {
        Path missing = dir.resolve("nope.conf");
        assertThatThrownBy(() -> SettingsLoader.load(missing))
                .isInstanceOf(ConfigException.class)
                .hasMessageContaining("nope.conf");
    }

    @Test
    void routesUnderPierOwnEndpointsAreRejected() throws IOException {
        assertThat(problems("pier.routes = [ { prefix = \"/_pier/x\", backends = [\"http://127.0.0.1:1\"] } ]\n"))
                .singleElement().asString().contains("reserved for Pier's own endpoints");
    }
}
