package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.backend.Health;
import dev.pier.routing.Route;
import dev.pier.testing.DyingBackend;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Retries, passive health and when-all-down through real Pier to real backends. */
class FailoverTest {

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

    /** A backend that was up at the first probe and whose listener then closed: still eligible, refusing. */
    private TestBackend refusing() {
        return TestBackend.start("gone");
    }

    private void start(String routeKeys, String... urls) {
        StringBuilder list = new StringBuilder();
        for (String url : urls) {
            list.append(list.length() == 0 ? "" : ", ").append('"').append(url).append('"');
        }
        pier = PierHarness.start(dir, """
                health-check { kind = tcp, interval = 1h }
                routes = [ { prefix = "/", backends = [%s] %s } ]
                """.formatted(list, routeKeys));
        pier.awaitReady();
    }

    private ContentResponse post(String path, String body) throws Exception {
        return pier.request(path).method(HttpMethod.POST)
                .body(new StringRequestContent("text/plain", body, StandardCharsets.UTF_8)).send();
    }

    @Test
    void getIsTriedOnAnotherBackendWhenTheConnectionIsRefused() {
        TestBackend gone = refusing();
        TestBackend a = backend("a");
        start("", gone.url(), a.url());
        gone.close();
        for (int i = 0; i < 4; i++) {
            ContentResponse response = pier.get("/x");
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).isEqualTo("a");
        }
        assertThat(pier.route("/").retried()).isPositive();
    }

    @Test
    void postWithABodyIsTriedOnAnotherBackendWhenItNeverReachedTheFirst() throws Exception {
        TestBackend gone = refusing();
        TestBackend a = backend("a");
        start("", gone.url(), a.url());
        gone.close();
        ContentResponse response = post("/echo", "hello, body");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("method=POST").contains("length=11");
        assertThat(pier.route("/").retried()).isEqualTo(1);
        assertThat(pier.get("/_pier/status").getContentAsString()).contains("\"retries\":1")
                .contains("\"inFlight\":0");
    }

    @Test
    void postWhoseBodyReachedABackendThatThenDiedGets502AndIsNotRepeated() throws Exception {
        DyingBackend dying = DyingBackend.start();
        closing.add(dying);
        TestBackend a = backend("a");
        start("", dying.url(), a.url());
        ContentResponse response = post("/echo", "pay once");
        assertThat(response.getStatus()).isEqualTo(502);
        assertThat(dying.requests()).isEqualTo(1);
        assertThat(dying.bodyBytes()).isEqualTo("pay once".length());
        assertThat(a.requests()).isZero();
        assertThat(pier.route("/").retried()).isZero();
    }

    @Test
    void getWhoseBackendClosedTheConnectionWithoutAnAnswerIsTriedOnAnother() {
        DyingBackend dying = DyingBackend.start();
        closing.add(dying);
        TestBackend a = backend("a");
        start("", dying.url(), a.url());
        ContentResponse response = pier.get("/x");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("a");
        assertThat(dying.requests()).isEqualTo(1);
    }

    @Test
    void retriesZeroAnswers502AtOnce() {
        TestBackend gone = refusing();
        TestBackend a = backend("a");
        start(", retries = 0", gone.url(), a.url());
        gone.close();
        assertThat(pier.get("/x").getStatus()).isEqualTo(502);
        assertThat(a.requests()).isZero();
    }

    @Test
    void consecutiveFailuresMarkABackendDownAtOnceAndProbesBringItBack() throws Exception {
        TestBackend a = backend("a");
        TestBackend b = backend("b");
        pier = PierHarness.start(dir, """
                health-check { interval = 1s, healthy-threshold = 2 }
                routes = [ { prefix = "/", backends = ["%s", "%s"], retries = 0,
                             passive-health { consecutive-failures = 2, count-5xx = true } } ]
                """.formatted(a.url(), b.url()));
        pier.awaitReady();
        Route route = pier.route("/");
        Backend first = route.pool().backends().get(0);
        // Round robin: the 1st and 3rd requests go to a, which answers them with 500.
        for (int i = 0; i < 3; i++) {
            assertThat(pier.request("/x").headers(h -> h.put("X-Test-Status", "500")).send().getStatus())
                    .isEqualTo(500);
        }
        // The outcome is recorded as the exchange completes, which may be just after the client has its answer;
        // probes need two seconds at least to bring it back.
        await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(10))
                .until(() -> route.pool().health(first) == Health.DOWN);
        assertThat(route.pool().snapshot().statuses().get(0).reason()).contains("passive health");
        // a's probes still pass: after two of them it is up again.
        await().atMost(Duration.ofSeconds(20)).until(() -> route.pool().health(first) == Health.UP);
    }

    @Test
    void whenAllDownTryAllStillSendsToTheBackends() {
        TestBackend a = backend("a");
        a.health(503);
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"], when-all-down = try-all } ]
                """.formatted(a.url()));
        pier.awaitReady();
        assertThat(pier.route("/").pool().snapshot().eligible()).isEmpty();
        ContentResponse response = pier.get("/x");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("a");
    }

    @Test
    void whenAllDownFailAnswers503() {
        TestBackend a = backend("a");
        a.health(503);
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(a.url()));
        pier.awaitReady();
        assertThat(pier.get("/x").getStatus()).isEqualTo(503);
        assertThat(a.requests()).isZero();
    }

    @Test
    void inFlightCountsReturnToZeroAfterSuccessesAndFailures() throws Exception {
        TestBackend gone = refusing();
        DyingBackend dying = DyingBackend.start();
        closing.add(dying);
        TestBackend a = backend("a");
        start(", policy = least-connections, passive-health { consecutive-failures = 0 }", gone.url(), dying.url(),
                a.url());
        gone.close();
        for (int i = 0; i < 6; i++) {
            pier.get("/x");
            post("/echo", "body " + i);
        }
        // Each try gives its unit back as its exchange completes, which may be just after the client's answer.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            for (Backend backend : pier.route("/").pool().backends()) {
                assertThat(backend.inFlight()).as("%s", backend).isZero();
            }
        });
    }
}
