package dev.pier.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.Scrape;
import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code GET /_pier/metrics} of a real Pier, parsed back and matched against the requests the test sent. */
class MetricsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private PierHarness pier;

    @AfterEach
    void stop() throws Exception {
        if (pier != null) {
            pier.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
    }

    private TestBackend backend(String name) {
        TestBackend backend = TestBackend.start(name);
        closing.add(backend);
        return backend;
    }

    private void start(String body) {
        pier = PierHarness.start(dir, body);
        pier.awaitReady();
    }

    private Scrape scrape() {
        ContentResponse response = pier.get("/_pier/metrics");
        assertThat(response.getStatus()).isEqualTo(200);
        return Scrape.parse(response.getContentAsString());
    }

    private static String authority(TestBackend backend) {
        return "127.0.0.1:" + backend.port();
    }

    private static String routes(String... routes) {
        return "health-check { interval = 1h }\nroutes = [ " + String.join("\n", routes) + " ]";
    }

    @Test
    void requestCountsByRouteBackendAndCodeAndTheHistogramMatchTheRequestsSent() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        start(routes("{ prefix = \"/api\", backends = [\"" + a.url() + "\", \"" + b.url() + "\"] }",
                "{ prefix = \"/web\", backends = [\"" + c.url() + "\"] }"));

        for (int i = 0; i < 6; i++) {
            assertThat(pier.get("/api/x").getStatus()).isEqualTo(200);
        }
        for (int i = 0; i < 2; i++) {
            int status = i == 0 ? 404 : 503;
            assertThat(pier.request("/api/x").headers(h -> h.put("X-Test-Status", Integer.toString(status)))
                    .send().getStatus()).isEqualTo(status);
        }
        assertThat(pier.get("/web/y").getStatus()).isEqualTo(200);
        assertThat(pier.get("/nowhere").getStatus()).isEqualTo(404);

        await().atMost(WAIT).untilAsserted(() -> {
            Scrape scrape = scrape();
            // Every request a backend got is counted on its series, under its route.
            for (TestBackend backend : List.of(a, b)) {
                assertThat(scrape.sum("pier_requests_total", "route", "/api", "backend", authority(backend)))
                        .as("requests of %s", backend.name()).isEqualTo(backend.requests());
                assertThat(scrape.value("pier_request_duration_seconds_count", "route", "/api",
                        "backend", authority(backend))).isEqualTo(backend.requests());
                assertThat(scrape.value("pier_request_duration_seconds_bucket", "route", "/api",
                        "backend", authority(backend), "le", "+Inf")).isEqualTo(backend.requests());
            }
            assertThat(scrape.sum("pier_requests_total", "route", "/api", "code", "2xx")).isEqualTo(6);
            assertThat(scrape.sum("pier_requests_total", "route", "/api", "code", "4xx")).isEqualTo(1);
            assertThat(scrape.sum("pier_requests_total", "route", "/api", "code", "5xx")).isEqualTo(1);
            assertThat(scrape.value("pier_requests_total", "route", "/web", "backend", authority(c), "code", "2xx"))
                    .isEqualTo(1);
            assertThat(scrape.value("pier_requests_total", "route", "-", "backend", "-", "code", "4xx")).isEqualTo(1);
        });
        Scrape scrape = scrape();
        // The buckets run from 5 ms to 10 s, and only route, backend and code (never a path) label requests.
        assertThat(scrape.find("pier_request_duration_seconds_bucket", "route", "/web", "backend", authority(c)))
                .extracting(sample -> sample.labels().get("le"))
                .containsExactly("0.005", "0.01", "0.025", "0.05", "0.1", "0.25", "0.5", "1.0", "2.5", "5.0", "10.0",
                        "+Inf");
        assertThat(scrape.find("pier_requests_total")).allSatisfy(sample ->
                assertThat(sample.labels()).containsOnlyKeys("route", "backend", "code"));
        assertThat(scrape.samples()).noneMatch(sample -> sample.labels().containsValue("/api/x"));
    }

    @Test
    void openMetricsWhenAcceptAsksForItElsePrometheusText() throws Exception {
        TestBackend a = backend("a");
        start(routes("{ prefix = \"/\", backends = [\"" + a.url() + "\"] }"));
        pier.get("/x");

        ContentResponse text = pier.get("/_pier/metrics");
        ContentResponse open = pier.request("/_pier/metrics")
                .headers(h -> h.put("Accept", "application/openmetrics-text; version=1.0.0, text/plain;q=0.5")).send();

        assertThat(text.getHeaders().get("Content-Type")).isEqualTo("text/plain; version=0.0.4; charset=utf-8");
        assertThat(text.getContentAsString()).contains("# TYPE pier_requests_total counter")
                .doesNotContain("# EOF");
        assertThat(open.getStatus()).isEqualTo(200);
        assertThat(open.getHeaders().get("Content-Type"))
                .isEqualTo("application/openmetrics-text; version=1.0.0; charset=utf-8");
        assertThat(open.getContentAsString()).contains("# TYPE pier_requests counter").endsWith("# EOF\n");
        await().atMost(WAIT).until(() -> Scrape.parse(pier.request("/_pier/metrics")
                .headers(h -> h.put("Accept", "application/openmetrics-text")).send().getContentAsString())
                .value("pier_requests_total", "backend", authority(a), "code", "2xx") == 1);
    }

    @Test
    void aReloadKeepsTheSeriesOfKeptBackendsAndDropsThoseOfRemovedOnes() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        TestBackend c = backend("c");
        start(routes("{ prefix = \"/api\", backends = [\"" + a.url() + "\", \"" + b.url() + "\"] }",
                "{ prefix = \"/old\", backends = [\"" + c.url() + "\"] }"));
        for (int i = 0; i < 4; i++) {
            pier.get("/api/x");
        }
        pier.get("/old/x");
        await().atMost(WAIT).until(() -> scrape().sum("pier_requests_total", "route", "/api") == 4);

        Files.writeString(pier.configFile(), "pier {\nserver { shutdown-timeout = 5s }\n" + routes(
                "{ prefix = \"/api\", backends = [\"" + a.url() + "\", \"" + c.url() + "\"] }") + "\n}\n");
        assertThat(pier.runtime().reload().applied()).isTrue();
        pier.get("/api/x");
        pier.get("/api/x");

        await().atMost(WAIT).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.sum("pier_requests_total", "route", "/api", "backend", authority(a)))
                    .isEqualTo(a.requests()).isGreaterThanOrEqualTo(3);
            assertThat(scrape.sum("pier_requests_total", "route", "/api", "backend", authority(c))).isEqualTo(1);
        });
        Scrape scrape = scrape();
        assertThat(scrape.find("pier_requests_total", "backend", authority(b))).isEmpty();
        assertThat(scrape.find("pier_backend_up", "backend", authority(b))).isEmpty();
        assertThat(scrape.find("pier_request_duration_seconds_count", "route", "/old")).isEmpty();
        assertThat(scrape.find("pier_retries_total", "route", "/old")).isEmpty();
        assertThat(scrape.value("pier_backend_up", "route", "/api", "backend", authority(c))).isEqualTo(1);
        // This reload, and perhaps the file watch's.
        assertThat(scrape.value("pier_reloads_total", "result", "applied")).isBetween(1.0, 2.0);
    }

    @Test
    void theAdminStateGaugeFollowsADrain() throws Exception {
        TestBackend a = backend("a");
        start("""
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(a.url()));
        String backend = authority(a);
        assertThat(scrape().value("pier_backend_admin_state", "backend", backend, "state", "ready")).isEqualTo(1);
        assertThat(pier.request("/_pier/backends/state?backend=" + backend + "&state=drain")
                .method(org.eclipse.jetty.http.HttpMethod.POST).send().getStatus()).isEqualTo(200);
        Scrape scrape = scrape();
        assertThat(scrape.value("pier_backend_admin_state", "backend", backend, "state", "drain")).isEqualTo(1);
        assertThat(scrape.value("pier_backend_admin_state", "backend", backend, "state", "ready")).isZero();
    }

    @Test
    void healthGaugesProbesAndTransitionsFollowABackendGoingDownAndUp() {
        TestBackend a = backend("a");
        start("""
                health-check { interval = 100ms, healthy-threshold = 1, unhealthy-threshold = 1 }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(a.url()));
        String backend = authority(a);
        assertThat(scrape().value("pier_backend_state", "backend", backend, "state", "up")).isEqualTo(1);

        a.health(503);

        await().atMost(WAIT).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("pier_backend_up", "backend", backend)).isZero();
            assertThat(scrape.value("pier_backend_state", "backend", backend, "state", "down")).isEqualTo(1);
            assertThat(scrape.value("pier_backend_state", "backend", backend, "state", "up")).isZero();
            assertThat(scrape.value("pier_backend_state", "backend", backend, "state", "unknown")).isZero();
            assertThat(scrape.value("pier_health_checks_total", "backend", backend, "result", "failure")).isPositive();
            assertThat(scrape.value("pier_backend_transitions_total", "backend", backend)).isEqualTo(2);
        });
        a.health(200);
        await().atMost(WAIT).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("pier_backend_up", "backend", backend)).isEqualTo(1);
            assertThat(scrape.value("pier_backend_transitions_total", "backend", backend)).isEqualTo(3);
            assertThat(scrape.value("pier_health_checks_total", "backend", backend, "result", "success"))
                    .isGreaterThanOrEqualTo(2);
        });
    }

    @Test
    void retriesPassiveEjectionsRateLimitsInFlightAndReloadsAreCounted() throws Exception {
        TestBackend gone = TestBackend.start("gone");
        TestBackend a = backend("a");
        start("""
                health-check { kind = tcp, interval = 1h }
                rate-limits { two { key = route, rate = 2, period = 60s } }
                routes = [
                  { prefix = "/", backends = ["%s", "%s"], passive-health { consecutive-failures = 1 } }
                  { prefix = "/limited", rate-limit = ["two"], backends = ["%s"] }
                ]
                """.formatted(gone.url(), a.url(), a.url()));
        gone.close();

        for (int i = 0; i < 2; i++) {
            assertThat(pier.get("/x").getStatus()).isEqualTo(200);
        }
        for (int i = 0; i < 3; i++) {
            pier.get("/limited/x");
        }
        Files.writeString(pier.configFile(), "pier { routes = [] }");
        assertThat(pier.runtime().reload().applied()).isFalse();

        await().atMost(WAIT).untilAsserted(() -> {
            Scrape scrape = scrape();
            assertThat(scrape.value("pier_retries_total", "route", "/")).isEqualTo(1);
            assertThat(scrape.value("pier_passive_ejections_total", "backend", authority(gone))).isEqualTo(1);
            assertThat(scrape.value("pier_backend_state", "backend", authority(gone), "state", "down")).isEqualTo(1);
            assertThat(scrape.value("pier_rate_limited_total", "route", "/limited", "policy", "two")).isEqualTo(1);
            assertThat(scrape.value("pier_requests_total", "route", "/limited", "backend", "-", "code", "4xx"))
                    .isEqualTo(1);
            assertThat(scrape.value("pier_reloads_total", "result", "rejected"))
                    .isEqualTo(pier.runtime().reloadsRejected()).isPositive();
            assertThat(scrape.value("pier_reloads_total", "result", "applied")).isZero();
            assertThat(scrape.value("pier_backend_in_flight", "route", "/", "backend", authority(a))).isZero();
        });
    }

    @Test
    void theStatusShowsEachBackendsLatencyAndCountsFromTheSameMeters() throws Exception {
        TestBackend a = backend("a");
        start(routes("{ prefix = \"/\", backends = [\"" + a.url() + "\"] }"));
        for (int i = 0; i < 5; i++) {
            pier.request("/x").headers(h -> h.put("X-Test-Delay", "20")).send();
        }
        pier.request("/x").headers(h -> h.put("X-Test-Status", "500")).send();
        await().atMost(WAIT).until(() -> scrape().sum("pier_requests_total", "backend", authority(a)) == 6);

        String status = pier.get("/_pier/status").getContentAsString();

        Scrape scrape = scrape();
        Matcher counts = Pattern.compile("\"counts\":\\{\"2xx\":(\\d+),\"3xx\":(\\d+),\"4xx\":(\\d+),\"5xx\":(\\d+)}")
                .matcher(status);
        assertThat(counts.find()).as(status).isTrue();
        String[] codes = {"2xx", "3xx", "4xx", "5xx"};
        for (int i = 0; i < codes.length; i++) {
            assertThat(Double.parseDouble(counts.group(i + 1))).as(codes[i])
                    .isEqualTo(scrape.value("pier_requests_total", "backend", authority(a), "code", codes[i]));
        }
        assertThat(counts.group(1)).isEqualTo("5");
        assertThat(counts.group(4)).isEqualTo("1");
        Matcher latency = Pattern.compile("\"latency\":\\{\"p50\":([0-9.]+),\"p99\":([0-9.]+)}").matcher(status);
        assertThat(latency.find()).as(status).isTrue();
        double p50 = Double.parseDouble(latency.group(1));
        double p99 = Double.parseDouble(latency.group(2));
        assertThat(p50).isGreaterThanOrEqualTo(15);
        assertThat(p99).isGreaterThanOrEqualTo(p50);
        assertThat(p99 / 1000).isLessThanOrEqualTo(
                scrape.value("pier_request_duration_seconds_max", "backend", authority(a)) * 1.1);
    }

    @Test
    void withMetricsOffTheEndpointAnswers404AndTheStatusHasNoLatency() {
        TestBackend a = backend("a");
        start("metrics { enabled = false }\n" + routes("{ prefix = \"/\", backends = [\"" + a.url() + "\"] }"));
        pier.get("/x");

        assertThat(pier.get("/_pier/metrics").getStatus()).isEqualTo(404);
        assertThat(pier.get("/_pier/status").getContentAsString()).contains("\"health\":\"UP\"")
                .doesNotContain("latency", "counts");
        assertThat(pier.runtime().metrics()).isNull();
    }

    @Test
    void jvmAndTheEmbeddedServersThreadsAndConnectionsAreScraped() {
        TestBackend a = backend("a");
        start(routes("{ prefix = \"/\", backends = [\"" + a.url() + "\"] }"));

        Scrape scrape = scrape();

        assertThat(scrape.find("jvm_memory_used_bytes")).isNotEmpty();
        assertThat(scrape.find("jvm_gc_collections_total")).isNotEmpty()
                .allSatisfy(sample -> assertThat(sample.labels()).containsKey("gc"));
        assertThat(scrape.find("jvm_gc_collection_seconds_total")).isNotEmpty();
        assertThat(scrape.find("jvm_threads_live_threads")).isNotEmpty();
        assertThat(scrape.find("process_uptime_seconds")).isNotEmpty();
        assertThat(scrape.value("jetty_threads_config_max")).isEqualTo(16);
        assertThat(scrape.find("jetty_threads_busy")).isNotEmpty();
        assertThat(scrape.sum("jetty_connections_current_connections")).isPositive();
    }

    @Test
    void collectionsAreCountedAtScrapeTime() {
        TestBackend a = backend("a");
        start(routes("{ prefix = \"/\", backends = [\"" + a.url() + "\"] }"));
        double before = scrape().sum("jvm_gc_collections_total");

        System.gc();

        assertThat(scrape().sum("jvm_gc_collections_total")).isGreaterThanOrEqualTo(before + 1);
    }
}
