package dev.pier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigFactory;
import dev.pier.backend.Backend;
import dev.pier.backend.Health;
import dev.pier.config.SettingsLoader;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Routes by host: exact before wildcard before any host, then the longest prefix; names as identities. */
class HostRoutingTest {

    /** Routes read as Pier reads them, from HOCON on top of reference.conf. */
    private static Router router(String routes) {
        Config config = ConfigFactory.parseString("pier.routes = [" + routes + "]")
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        return Router.of(SettingsLoader.read(config, "test").routes());
    }

    private static final String ROUTES = """
            { prefix = "/", backends = ["http://127.0.0.1:1"] }
            { prefix = "/api", backends = ["http://127.0.0.1:1"] }
            { prefix = "/", hosts = ["api.example.com"], backends = ["http://127.0.0.1:1"] }
            { prefix = "/v1", hosts = ["API.example.com", "api2.example.com"], backends = ["http://127.0.0.1:1"] }
            { prefix = "/v1/admin", hosts = ["*.example.com"], backends = ["http://127.0.0.1:1"] }
            { prefix = "/", hosts = ["*.example.org"], backends = ["http://127.0.0.1:1"] }
            { prefix = "/", hosts = ["*.deep.example.org"], backends = ["http://127.0.0.1:1"] }
            { prefix = "/api", hosts = ["example.org"], name = "org-api", backends = ["http://127.0.0.1:1"] }
            { prefix = "/", hosts = ["[2001:db8::1]", "192.0.2.7"], backends = ["http://127.0.0.1:1"] }
            { prefix = "/", hosts = ["[2001:DB8:0:0:1::]"], name = "v6-long", backends = ["http://127.0.0.1:1"] }
            { prefix = "/", hosts = ["[::ffff:192.0.2.9]"], name = "v4-mapped", backends = ["http://127.0.0.1:1"] }
            """;

    private final Router router = router(ROUTES);

    private @Nullable String nameOf(@Nullable String host, String path) {
        Route route = router.match(host, path);
        return route == null ? null : route.name();
    }

    @ParameterizedTest(name = "{0} {1} -> {2}")
    @CsvSource(nullValues = "null", value = {
            // An exact host; within it the longest prefix.
            "api.example.com,       /,              api.example.com/",
            "api.example.com,       /v1/x,          api.example.com/v1",
            "api2.example.com,      /v1,            api.example.com/v1",
            // The exact host has no route for /v1/admin/...: /v1 still matches there, before any wildcard.
            "api.example.com,       /v1/admin/x,    api.example.com/v1",
            // No exact route of api2 matches /other: the wildcard's prefix does not either, so the any-host route.
            "api2.example.com,      /other,         /",
            "api2.example.com,      /api/x,         /api",
            // A wildcard, at any depth, never the bare name.
            "www.example.com,       /v1/admin,      *.example.com/v1/admin",
            "a.b.example.com,       /v1/admin/7,    *.example.com/v1/admin",
            "example.com,           /v1/admin,      /",
            "www.example.com,       /v1,            /",
            // The longest wildcard suffix first.
            "x.example.org,         /,              *.example.org/",
            "x.deep.example.org,    /,              *.deep.example.org/",
            "deep.example.org,      /,              *.example.org/",
            "example.org,           /api/1,         org-api",
            "example.org,           /,              /",
            // Case, ports and a final dot do not matter.
            "API.Example.COM,       /v1,            api.example.com/v1",
            "api.example.com:8443,  /v1,            api.example.com/v1",
            "WWW.EXAMPLE.COM:80,    /v1/admin,      *.example.com/v1/admin",
            "api.example.com.,      /v1,            api.example.com/v1",
            // IP literals, IPv6 in brackets with or without a port.
            "[2001:db8::1],         /x,             [2001:db8::1]/",
            "[2001:DB8::1]:8080,    /x,             [2001:db8::1]/",
            "[2001:db8::2],         /x,             /",
            "192.0.2.7,             /x,             [2001:db8::1]/",
            // An IPv6 address in any of its spellings, against a pattern in any of its own.
            "'[2001:0db8:0:0::0001]', /x,           [2001:db8::1]/",
            "'[2001:db8:0:0:0:0:0:1]:443', /x,      [2001:db8::1]/",
            "'[2001:db8::1:0:0:0]', /x,             v6-long",
            "'[2001:DB8:0:0:1:0:0:0]', /x,          v6-long",
            "'[::ffff:c000:209]',   /x,             v4-mapped",
            "'[::FFFF:192.0.2.9]',  /x,             v4-mapped",
            "'[2001:db8::1::2]',    /x,             /",
            // Unknown hosts and no host at all: the routes for any host only.
            "other.test,            /api,           /api",
            "null,                  /v1,            /",
            "'',                    /api,           /api",
            // Near misses: a suffix that is not on a label boundary, a host that only ends like one.
            "xexample.com,          /v1/admin,      /",
            "api.example.com.evil,  /v1,            /",
    })
    void theBestRouteMatchesEachHostAndPath(@Nullable String host, String path, String expected) {
        assertThat(nameOf(host, path)).isEqualTo(expected);
    }

    @Test
    void theReadmeExampleRoutesAsTheReadmeSays() {
        Router readme = router("""
                { prefix = "/", backends = ["http://127.0.0.1:8080"] }
                { prefix = "/", hosts = ["api.example.com"], backends = ["http://127.0.0.1:8081"] }
                { prefix = "/v2", hosts = ["api.example.com", "api.example.net"],
                  backends = ["http://127.0.0.1:8082"] }
                { prefix = "/", hosts = ["*.example.org"], name = "tenants",
                  backends = ["http://127.0.0.1:8083", "http://127.0.0.1:8084"] }
                """);
        assertThat(readme.match("api.example.com", "/other").name()).isEqualTo("api.example.com/");
        assertThat(readme.match("api.example.net", "/v2/x").name()).isEqualTo("api.example.com/v2");
        assertThat(readme.match("www.example.com", "/").name()).isEqualTo("/");
        assertThat(readme.match("a.example.org", "/v2").name()).isEqualTo("tenants");
        assertThat(readme.match("example.org", "/v2").name()).isEqualTo("/");
    }

    @Test
    void withoutAnyRouteForAnyHostAnUnknownHostMatchesNothing() {
        Router hostsOnly = router("""
                { prefix = "/", hosts = ["a.test"], backends = ["http://127.0.0.1:1"] }
                """);
        assertThat(hostsOnly.match("a.test", "/x")).isNotNull();
        assertThat(hostsOnly.match("b.test", "/x")).isNull();
        assertThat(hostsOnly.match(null, "/x")).isNull();
        assertThat(hostsOnly.match("/x")).isNull();
    }

    @Test
    void routesWithoutHostsAreNamedByTheirPrefixAndFoundByIt() {
        Route api = router.byName("/api");
        assertThat(api).isNotNull().isSameAs(router.byPrefix("/api"));
        assertThat(api.hosts()).isEmpty();
        assertThat(router.byName("api.example.com/v1").hosts()).containsExactly("api.example.com", "api2.example.com");
        assertThat(router.byName("org-api").prefix()).isEqualTo("/api");
        assertThat(router.hasHosts()).isTrue();
        assertThat(router("{ prefix = \"/\", backends = [\"http://127.0.0.1:1\"] }").hasHosts()).isFalse();
    }

    @Test
    void aReloadCarriesAHostRouteOverByItsNameNotItsPrefix() {
        String routes = """
                { prefix = "/", backends = ["http://127.0.0.1:1"] }
                { prefix = "/", hosts = ["a.test"], backends = ["http://127.0.0.1:1"] }
                """;
        Router before = router(routes);
        Route hostRoute = before.byName("a.test/");
        Backend backend = hostRoute.pool().backends().get(0);
        hostRoute.pool().update(backend, Health.DOWN, "HTTP 503 from /health");

        Config config = ConfigFactory.parseString("pier.routes = [" + routes + "]")
                .withFallback(ConfigFactory.parseResources("reference.conf")).resolve();
        Router after = Router.of(SettingsLoader.read(config, "test").routes(), before);

        Route kept = after.byName("a.test/");
        assertThat(kept.pool().backends().get(0)).isSameAs(backend);
        assertThat(kept.pool().snapshot().statuses().get(0).health()).isEqualTo(Health.DOWN);
        // The route for any host with the same prefix and backend URL is another route: its backend is its own.
        assertThat(after.byName("/").pool().backends().get(0)).isNotSameAs(backend);
        assertThat(after.byName("/").pool().snapshot().statuses().get(0).health()).isEqualTo(Health.UNKNOWN);
    }
}
