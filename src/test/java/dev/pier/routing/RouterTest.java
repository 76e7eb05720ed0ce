package dev.pier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.BackendSettings;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import dev.pier.config.PolicyName;
import dev.pier.config.RouteSettings;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class RouterTest {

    private static RouteSettings route(String prefix, boolean strip) {
        return new RouteSettings(prefix, strip, PolicyName.ROUND_ROBIN,
                List.of(new BackendSettings("http", "127.0.0.1", 1, 1)), Duration.ofSeconds(1),
                new HealthCheckSettings(HealthCheckKind.HTTP, "/health", Duration.ofSeconds(1), Duration.ofSeconds(1),
                        1, 1));
    }

    private final Router router = Router.of(List.of(route("/", false), route("/api/users", false),
            route("/api/users/admin", false), route("/svc", true)));

    private String prefixOf(String path) {
        Route route = router.match(path);
        return route == null ? null : route.prefix();
    }

    @Test
    void longestPrefixWins() {
        assertThat(prefixOf("/api/users/admin/1")).isEqualTo("/api/users/admin");
        assertThat(prefixOf("/api/users/1")).isEqualTo("/api/users");
        assertThat(prefixOf("/other")).isEqualTo("/");
    }

    @Test
    void prefixesMatchOnSegmentBoundariesOnly() {
        assertThat(prefixOf("/api/users")).isEqualTo("/api/users");
        assertThat(prefixOf("/api/users/")).isEqualTo("/api/users");
        assertThat(prefixOf("/api/usersX")).isEqualTo("/");
        assertThat(prefixOf("/api/user")).isEqualTo("/");
    }

    @Test
    void noMatchWithoutACatchAllRoute() {
        Router narrow = Router.of(List.of(route("/api", false)));
        assertThat(narrow.match("/apix")).isNull();
        assertThat(narrow.match("/")).isNull();
    }

    @Test
    void stripPrefixKeepsTheRestOrSlash() {
        Route svc = router.match("/svc/a");
        assertThat(svc.backendPath("/svc/a")).isEqualTo("/a");
        assertThat(svc.backendPath("/svc")).isEqualTo("/");
        assertThat(svc.backendPath("/svc/")).isEqualTo("/");
        assertThat(router.match("/api/users/1").backendPath("/api/users/1")).isEqualTo("/api/users/1");
    }
}
