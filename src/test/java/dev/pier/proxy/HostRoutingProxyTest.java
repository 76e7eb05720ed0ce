package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.backend.BackendStatus;
import dev.pier.routing.Route;
import dev.pier.testing.PierHarness;
import dev.pier.testing.Scrape;
import dev.pier.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Routes by host through a real Pier and real backends: the Host header over HTTP/1.1 and HTTP/1.0 (and its
 * absence), the authority of HTTP/2, and the route names that status, metrics, steering, explain and reload use.
 */
@Timeout(120)
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class HostRoutingProxyTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    private Path dir;

    private TestBackend any;
    private TestBackend api;
    private TestBackend v1;
    private TestBackend wild;
    private TestBackend v6;
    private PierHarness pier;

    @BeforeAll
    void start(@TempDir Path dir) {
        this.dir = dir;
        any = TestBackend.start("any");
        api = TestBackend.start("api");
        v1 = TestBackend.start("v1");
        wild = TestBackend.start("wild");
        v6 = TestBackend.start("v6");
        pier = PierHarness.start(dir, config(""));
        pier.awaitReady();
    }

    private String config(String more) {
        return """
                health-check { interval = 1h }
                routes = [
                  { prefix = "/", backends = ["%s"] }
                  { prefix = "/", hosts = ["api.example.com"], backends = ["%s"] }
                  { prefix = "/v1", hosts = ["api.example.com"], backends = ["%s"] }
                  { prefix = "/", hosts = ["*.example.org"], backends = ["%s"] }
                  { prefix = "/", hosts = ["[::1]"], backends = ["%s"] }
                  %s
                ]
                """.formatted(any.url(), api.url(), v1.url(), wild.url(), v6.url(), more);
    }

    @AfterAll
    void stop() {
        pier.close();
        for (TestBackend backend : List.of(any, api, v1, wild, v6)) {
            backend.close();
        }
    }

    /** The name of the backend that answered a raw request, from its body. */
    private String answeredBy(String version, String hostHeader, String path) {
        String raw = pier.raw("GET " + path + " " + version + "\r\n" + hostHeader + "Connection: close\r\n\r\n");
        assertThat(raw).as(raw).startsWith("HTTP/1.1 200 ");
        return raw.substring(raw.indexOf("\r\n\r\n") + 4);
    }

    private String overHttp11(String host, String path) {
        return answeredBy("HTTP/1.1", "Host: " + host + "\r\n", path);
    }

    @Test
    void eachHostAndPathGoesToItsRoutesBackend() {
        assertThat(overHttp11("api.example.com", "/x")).isEqualTo("api");
        assertThat(overHttp11("api.example.com", "/v1/users")).isEqualTo("v1");
        assertThat(overHttp11("api.example.com", "/v10")).isEqualTo("api");
        assertThat(overHttp11("API.Example.COM:8080", "/v1")).isEqualTo("v1");
        assertThat(overHttp11("a.example.org", "/v1")).isEqualTo("wild");
        assertThat(overHttp11("a.b.example.org:443", "/")).isEqualTo("wild");
        assertThat(overHttp11("example.org", "/v1")).isEqualTo("any");
        assertThat(overHttp11("other.test", "/v1")).isEqualTo("any");
        assertThat(overHttp11("127.0.0.1:" + pier.port(), "/v1")).isEqualTo("any");
        assertThat(overHttp11("[::1]:8080", "/v1")).isEqualTo("v6");
        assertThat(overHttp11("[::1]", "/")).isEqualTo("v6");
        assertThat(overHttp11("[0:0:0:0:0:0:0:1]:8080", "/v1")).isEqualTo("v6");
        assertThat(overHttp11("[0::0001]", "/")).isEqualTo("v6");
        assertThat(overHttp11("[::2]", "/v1")).isEqualTo("any");
    }

    @Test
    void http10WithoutHostMatchesOnlyRoutesForAnyHostAndWithHostItsRoute() {
        // Without Host the container's server name is Pier's own address: that is no host the client named.
        assertThat(answeredBy("HTTP/1.0", "", "/v1")).isEqualTo("any");
        assertThat(answeredBy("HTTP/1.0", "", "/")).isEqualTo("any");
        assertThat(answeredBy("HTTP/1.0", "Host: api.example.com\r\n", "/v1")).isEqualTo("v1");
    }

    @Test
    void withoutARouteForAnyHostAnUnknownHostGets404NamingTheHost(@TempDir Path other) {
        try (PierHarness hostsOnly = PierHarness.start(other, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", hosts = ["api.example.com"], backends = ["%s"] } ]
                """.formatted(api.url()))) {
            hostsOnly.awaitReady();

            String raw = hostsOnly.raw("GET /x HTTP/1.1\r\nHost: other.test\r\nConnection: close\r\n\r\n");

            assertThat(raw).startsWith("HTTP/1.1 404 ").contains("No route for this host and path");
        }
    }

    @Test
    void http2RoutesByItsAuthority() throws Exception {
        HttpClient h2c = new HttpClient(new HttpClientTransportOverHTTP2(new HTTP2Client()));
        // Every name is Pier on loopback; the request's authority stays the name.
        h2c.setSocketAddressResolver((host, port, context, promise) ->
                promise.succeeded(List.of(new InetSocketAddress("127.0.0.1", port))));
        h2c.start();
        try {
            for (String[] expected : new String[][] {{"api.example.com", "/v1/x", "v1"}, {"API.example.com", "/", "api"},
                    {"x.example.org", "/v1", "wild"}, {"127.0.0.1", "/v1", "any"}}) {
                ContentResponse response = h2c.newRequest("http://" + expected[0] + ":" + pier.port() + expected[1])
                        .timeout(20, TimeUnit.SECONDS).send();
                assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
                assertThat(response.getContentAsString()).as(expected[0] + expected[1]).isEqualTo(expected[2]);
            }
        } finally {
            h2c.stop();
        }
    }

    @Test
    void aHostRouteIsNamedByItsFirstHostAndPrefixInMetricsAndStatus() {
        int before = v1.requests();
        for (int i = 0; i < 3; i++) {
            assertThat(overHttp11("api.example.com", "/v1/m")).isEqualTo("v1");
        }
        int sent = v1.requests() - before;
        assertThat(sent).isEqualTo(3);
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape scrape = Scrape.parse(pier.get("/_pier/metrics").getContentAsString());
            assertThat(scrape.sum("pier_requests_total", "route", "api.example.com/v1", "backend",
                    "127.0.0.1:" + v1.port())).isEqualTo(v1.requests());
            assertThat(scrape.find("pier_requests_total", "route", "/", "backend", "127.0.0.1:" + v1.port()))
                    .isEmpty();
        });
        String status = pier.get("/_pier/status").getContentAsString();
        assertThat(status).contains("{\"prefix\":\"/v1\",\"name\":\"api.example.com/v1\","
                + "\"hosts\":[\"api.example.com\"],\"policy\":\"round-robin\"");
        assertThat(status).contains("{\"prefix\":\"/\",\"name\":\"/\",\"hosts\":[],\"policy\":\"round-robin\"");
    }

    @Test
    void explainTakesAHostAndElseUsesTheRequestsOwn() {
        String explained = pier.get("/_pier/explain?path=/v1/x&host=api.example.com").getContentAsString();
        assertThat(explained).contains("\"route\":{\"prefix\":\"/v1\",", "\"name\":\"api.example.com/v1\"",
                "\"hosts\":[\"api.example.com\"]", "\"next\":\"" + v1.url() + "\"", "\"host\":\"api.example.com\"");
        String own = pier.get("/_pier/explain?path=/v1/x").getContentAsString();
        assertThat(own).contains("\"route\":{\"prefix\":\"/\",", "\"next\":\"" + any.url() + "\"",
                "\"host\":\"127.0.0.1\"");
        String wildcard = pier.get("/_pier/explain?path=/&host=" + URLEncoder.encode("A.B.Example.org:80",
                StandardCharsets.UTF_8)).getContentAsString();
        assertThat(wildcard).contains("\"name\":\"*.example.org/\"", "\"next\":\"" + wild.url() + "\"");
    }

    @Test
    void aReloadKeepsTheHealthAndAdminStateOfAHostRoutesBackends() throws Exception {
        String authority = "127.0.0.1:" + v1.port();
        ContentResponse drained = pier.request("/_pier/backends/state?backend=" + authority + "&route="
                + URLEncoder.encode("api.example.com/v1", StandardCharsets.UTF_8) + "&state=drain")
                .method(HttpMethod.POST).send();
        assertThat(drained.getStatus()).isEqualTo(200);
        assertThat(drained.getContentAsString()).contains("{\"route\":\"api.example.com/v1\"");
        Route route = pier.runtime().router().byName("api.example.com/v1");
        Backend backend = route.pool().backends().get(0);
        BackendStatus health = route.pool().snapshot().statuses().get(0);
        try {
            // The same backend under a route for any host with the same prefix is another backend.
            rewrite(config("{ prefix = \"/v1\", backends = [\"" + v1.url() + "\"] }"));
            ContentResponse reload = pier.request("/_pier/reload").method(HttpMethod.POST)
                    .timeout(20, TimeUnit.SECONDS).send();
            assertThat(reload.getStatus()).as(reload.getContentAsString()).isEqualTo(200);

            Route after = pier.runtime().router().byName("api.example.com/v1");
            assertThat(after).isNotSameAs(route);
            assertThat(after.pool().backends().get(0)).isSameAs(backend);
            assertThat(backend.adminState()).isEqualTo(AdminState.DRAIN);
            assertThat(after.pool().snapshot().statuses().get(0)).isEqualTo(health);
            Route anyHost = pier.runtime().router().byName("/v1");
            assertThat(anyHost.pool().backends().get(0)).isNotSameAs(backend);
            assertThat(anyHost.pool().backends().get(0).adminState()).isEqualTo(AdminState.READY);
        } finally {
            // Back to the class's configuration, for the other tests.
            route = pier.runtime().router().byName("api.example.com/v1");
            route.steer(route.pool().backends().get(0), AdminState.READY, "test");
            rewrite(config(""));
            assertThat(pier.request("/_pier/reload").method(HttpMethod.POST).timeout(20, TimeUnit.SECONDS).send()
                    .getStatus()).isEqualTo(200);
        }
    }

    private void rewrite(String body) throws Exception {
        Path next = dir.resolve("pier.conf.next");
        Files.writeString(next, "pier {\nserver { shutdown-timeout = 5s }\n" + body + "\n}\n");
        Files.move(next, pier.configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
