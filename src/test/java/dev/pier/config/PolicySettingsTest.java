package dev.pier.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policy, failover and passive-health keys of a route: defaults and errors with file, line and key. */
class PolicySettingsTest {

    @TempDir
    Path dir;

    private PierSettings load(String routeKeys) throws IOException {
        Path file = dir.resolve("pier.conf");
        Files.writeString(file, "pier {\n  routes = [\n    { prefix = \"/\", backends = [\"http://127.0.0.1:8081\"]\n"
                + routeKeys + "\n    }\n  ]\n}\n");
        return SettingsLoader.load(file);
    }

    private static String describe(Throwable e) {
        return SettingsLoader.describe((ConfigException) e);
    }

    @Test
    void defaultsComeFromTheReference() throws IOException {
        RouteSettings route = load("").routes().get(0);
        assertThat(route.policy()).isEqualTo(PolicyName.ROUND_ROBIN);
        assertThat(route.hashKey()).isEqualTo(new HashKeySettings(HashKeySettings.Source.CLIENT_IP, ""));
        assertThat(route.cookieName()).isEqualTo("pier-sticky");
        assertThat(route.retries()).isEqualTo(2);
        assertThat(route.passiveHealth()).isEqualTo(new PassiveHealthSettings(3, false));
        assertThat(route.whenAllDown()).isEqualTo(WhenAllDown.FAIL);
    }

    @Test
    void aRouteOverridesEveryKey() throws IOException {
        RouteSettings route = load("""
                      policy = consistent-hash, hash-key = "header:X-User", cookie-name = "route"
                      retries = 0, when-all-down = try-all, passive-health { count-5xx = true }
                """).routes().get(0);
        assertThat(route.policy()).isEqualTo(PolicyName.CONSISTENT_HASH);
        assertThat(route.hashKey()).isEqualTo(new HashKeySettings(HashKeySettings.Source.HEADER, "X-User"));
        assertThat(route.cookieName()).isEqualTo("route");
        assertThat(route.retries()).isZero();
        assertThat(route.whenAllDown()).isEqualTo(WhenAllDown.TRY_ALL);
        assertThat(route.passiveHealth()).isEqualTo(new PassiveHealthSettings(3, true));
    }

    @Test
    void anUnknownPolicyIsAnErrorListingTheValidOnes() {
        assertThatThrownBy(() -> load("      policy = fastest"))
                .isInstanceOf(ConfigException.ValidationFailed.class)
                .satisfies(e -> assertThat(describe(e)).contains("pier.conf: 4: pier.routes[0].policy: unknown policy "
                        + "'fastest' (expected one of: round-robin, least-connections, random-two-choices, "
                        + "consistent-hash, sticky-cookie)"));
    }

    @Test
    void badFailoverKeysAreErrorsWithFileLineAndKey() {
        assertThatThrownBy(() -> load("""
                      hash-key = "query:user"
                      retries = -1
                      when-all-down = panic
                      passive-health { consecutive-failures = -2, counted = true }
                """))
                .isInstanceOf(ConfigException.ValidationFailed.class)
                .satisfies(e -> assertThat(describe(e))
                        .contains("pier.conf: 4: pier.routes[0].hash-key: hash-key: 'query:user' (expected one of: "
                                + "\"header:<name>\", \"cookie:<name>\", \"client-ip\")")
                        .contains("pier.conf: 5: pier.routes[0].retries: retries: -1 (expected: >= 0)")
                        .contains("pier.conf: 6: pier.routes[0].when-all-down: unknown when-all-down 'panic' "
                                + "(expected one of: fail, try-all)")
                        .contains("pier.conf: 7: pier.routes[0].passive-health.consecutive-failures: "
                                + "consecutive-failures: -2 (expected: >= 0)")
                        .contains("pier.conf: 7: pier.routes[0].passive-health.counted: unknown key 'counted'"));
    }
}
