package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.StreamSupport;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A route's hosts and name, as read from a file: lower case, validated, and no two routes for the same thing. */
class RouteHostsSettingsTest {

    @TempDir
    Path dir;

    private Path write(String routes) throws IOException {
        Path file = dir.resolve("pier.conf");
        Files.writeString(file, "pier {\n  routes = [\n" + routes + "  ]\n}\n");
        return file;
    }

    /** The problems of loading {@code routes}, each as "file: line: key: problem". */
    private List<String> problems(String routes) throws IOException {
        Path file = write(routes);
        try {
            SettingsLoader.load(file);
        } catch (ConfigException.ValidationFailed e) {
            return StreamSupport.stream(e.problems().spliterator(), false)
                    .map(p -> p.origin().description() + ": " + p.path() + ": " + p.problem())
                    .toList();
        }
        throw new AssertionError("expected a validation failure");
    }

    private String at(int line) {
        return dir.resolve("pier.conf") + ": " + line + ": ";
    }

    @Test
    void hostsAreReadInLowerCaseAndNamesDefaultToTheFirstHostAndThePrefix() throws IOException {
        List<RouteSettings> routes = SettingsLoader.load(write("""
                    { prefix = "/", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/v1", hosts = ["API.Example.com", "*.Example.ORG"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/v1", hosts = ["[2001:DB8::1]"], name = "v6", backends = ["http://127.0.0.1:1"] }
                """)).routes();
        assertThat(routes).extracting(RouteSettings::name).containsExactly("/", "api.example.com/v1", "v6");
        assertThat(routes.get(0).hosts()).isEmpty();
        assertThat(routes.get(1).hosts()).containsExactly("api.example.com", "*.example.org");
        assertThat(routes.get(2).hosts()).containsExactly("[2001:db8::1]");
    }

    @Test
    void badHostPatternsAreReportedAtTheirFileLineAndKey() throws IOException {
        assertThat(problems("""
                    { prefix = "/a", hosts = [""], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/b", hosts = ["api.*.example.com"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/c", hosts = ["api.example.com:8080"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/d", hosts = ["api example.com"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/e", hosts = ["*"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/f", hosts = ["a..b"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/g", hosts = [7], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/h", hosts = ["[2001:db8::1]:80"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/i", hosts = ["a.test", "A.test"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/j", hosts = "a.test", backends = ["http://127.0.0.1:1"] }
                """)).containsExactly(
                at(3) + "pier.routes[0].hosts[0]: host: '' (expected: a host name such as api.example.com, "
                        + "*.example.org or [2001:db8::1], not empty)",
                at(4) + "pier.routes[1].hosts[0]: host: 'api.*.example.com' (expected: '*' only as the whole "
                        + "first label, as in *.example.org)",
                at(5) + "pier.routes[2].hosts[0]: host: 'api.example.com:8080' (expected: a host name such as "
                        + "api.example.com, *.example.org or [2001:db8::1], without a port (a route matches every port))",
                at(6) + "pier.routes[3].hosts[0]: host: 'api example.com' (expected: a host name such as "
                        + "api.example.com, *.example.org or [2001:db8::1], without spaces or control characters)",
                at(7) + "pier.routes[4].hosts[0]: host: '*' (expected: '*' only as the whole first label, as in "
                        + "*.example.org)",
                at(8) + "pier.routes[5].hosts[0]: host: 'a..b' (expected: a host name such as api.example.com, "
                        + "*.example.org or [2001:db8::1]: labels of letters, digits, - and _ between single dots)",
                at(9) + "pier.routes[6].hosts[0]: a host must be a string such as \"api.example.com\" or "
                        + "\"*.example.org\", not number",
                at(10) + "pier.routes[7].hosts[0]: host: '[2001:db8::1]:80' (expected: an IPv6 address in brackets, "
                        + "such as [2001:db8::1], without a port)",
                at(11) + "pier.routes[8].hosts[1]: duplicate host 'a.test' in this route",
                at(12) + "pier.routes[9].hosts: hosts has type STRING rather than LIST");
    }

    @Test
    void aSecondRouteForTheSameHostAndPrefixIsReportedAtItsHost() throws IOException {
        assertThat(problems("""
                    { prefix = "/", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/", hosts = ["a.test", "*.b.test"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/", hosts = ["c.test", "A.TEST"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/x/", hosts = ["*.b.test"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/x", hosts = ["*.b.test"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/", backends = ["http://127.0.0.1:1"] }
                """)).containsExactly(
                at(5) + "pier.routes[2].hosts[1]: duplicate route for host 'a.test' and prefix '/' "
                        + "(pier.routes[1] has them already)",
                at(7) + "pier.routes[4].hosts[0]: duplicate route for host '*.b.test' and prefix '/x' "
                        + "(pier.routes[3] has them already)",
                at(8) + "pier.routes[5].prefix: duplicate prefix '/' (each prefix may appear in one route only)");
    }

    @Test
    void anIpv6PatternIsReadInItsCanonicalSpellingSoThatAnotherSpellingIsADuplicate() throws IOException {
        List<RouteSettings> routes = SettingsLoader.load(write("""
                    { prefix = "/", hosts = ["[2001:0DB8:0:0:0:0:0:1]", "[::FFFF:C000:209]"], backends = ["http://127.0.0.1:1"] }
                """)).routes();
        assertThat(routes.get(0).hosts()).containsExactly("[2001:db8::1]", "[::ffff:192.0.2.9]");
        assertThat(routes.get(0).name()).isEqualTo("[2001:db8::1]/");

        assertThat(problems("""
                    { prefix = "/", hosts = ["[2001:db8::1]"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/", hosts = ["[2001:DB8:0::1]"], name = "again", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/", hosts = ["[2001:db8::1::2]", "[1.2.3.4]", "[12345::1]"], name = "bad",
                      backends = ["http://127.0.0.1:1"] }
                """)).containsExactly(
                at(4) + "pier.routes[1].hosts[0]: duplicate route for host '[2001:db8::1]' and prefix '/' "
                        + "(pier.routes[0] has them already)",
                at(5) + "pier.routes[2].hosts[0]: host: '[2001:db8::1::2]' (expected: an IPv6 address in brackets, "
                        + "such as [2001:db8::1], without a port)",
                at(5) + "pier.routes[2].hosts[1]: host: '[1.2.3.4]' (expected: an IPv6 address in brackets, "
                        + "such as [2001:db8::1], without a port)",
                at(5) + "pier.routes[2].hosts[2]: host: '[12345::1]' (expected: an IPv6 address in brackets, "
                        + "such as [2001:db8::1], without a port)");
    }

    @Test
    void namesAreUniqueAndPlain() throws IOException {
        assertThat(problems("""
                    { prefix = "/", hosts = ["a.test"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/x", name = "a.test/", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/y", name = "with space", backends = ["http://127.0.0.1:1"] }
                    { prefix = "/z", name = "", backends = ["http://127.0.0.1:1"] }
                """)).containsExactly(
                at(4) + "pier.routes[1].name: duplicate route name 'a.test/' (pier.routes[0] has it already; set "
                        + "a name of its own on one of them)",
                at(5) + "pier.routes[2].name: name: 'with space' (expected: 1-200 visible ASCII characters, no spaces)",
                at(6) + "pier.routes[3].name: name: '' (expected: 1-200 visible ASCII characters, no spaces)");
    }

    @Test
    void theMessageNamesTheFileAndLine() throws IOException {
        Path file = write("""
                    { prefix = "/", hosts = ["a.test"], backends = ["http://127.0.0.1:1"] }
                    { prefix = "/", hosts = ["a.test"], backends = ["http://127.0.0.1:1"] }
                """);
        assertThatThrownBy(() -> SettingsLoader.load(file)).isInstanceOf(ConfigException.ValidationFailed.class)
                .hasMessageContaining("pier.conf: 4: pier.routes[1].hosts[0]: duplicate route for host 'a.test'");
    }
}
