package dev.pier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pier.config.SettingsLoader;

import org.junit.jupiter.api.Test;

class RouterTest {

    /** Routes read as Pier reads them, from HOCON on top of reference.conf. */
    private static Router router(String routes) {
        Config config = ConfigFactory.parseString("pier.routes = [" + routes + "]")
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        return Router.of(SettingsLoader.read(config, "test").routes());
    }

    private final Router router = router("""
            { prefix = "/", backends = ["http://127.0.0.1:1"] }
            { prefix = "/api/users", backends = ["http://127.0.0.1:1"] }
            { prefix = "/api/users/admin", backends = ["http://127.0.0.1:1"] }
            { prefix = "/svc", strip-prefix = true, backends = ["http://127.0.0.1:1"] }
            """);

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
        Router narrow = router("{ prefix = \"/api\", backends = [\"http://127.0.0.1:1\"] }");
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
