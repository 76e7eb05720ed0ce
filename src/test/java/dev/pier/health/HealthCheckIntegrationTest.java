package dev.pier.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashSet;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Active health checks against real backends, through real Pier. */
class HealthCheckIntegrationTest {

    private static final Duration INTERVAL = Duration.ofMillis(700);

    @TempDir
    Path dir;

    private static Set<String> backendsServing(PierHarness pier, int requests) {
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < requests; i++) {
            var response = pier.get("/");
            assertThat(response.getStatus()).isEqualTo(200);
            seen.add(response.getHeaders().get("X-Backend"));
        }
        return seen;
    }

    @Test
    void backendWhoseHealthTurns503LeavesWithinIntervalTimesThresholdPlusOneAndComesBack() {
        TestBackend a = TestBackend.start("a");
        TestBackend b = TestBackend.start("b");
        TestBackend c = TestBackend.start("c");
        try (PierHarness pier = PierHarness.start(dir, """
                health-check { interval = %dms, timeout = 500ms, unhealthy-threshold = 2, healthy-threshold = 2 }
                routes = [ { prefix = "/", backends = ["%s", "%s", "%s"] } ]
                """.formatted(INTERVAL.toMillis(), a.url(), b.url(), c.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(backendsServing(pier, 6)).containsExactlyInAnyOrder("a", "b", "c");

            b.health(503);
            // interval x (threshold + 1): two failing probes, plus at most one interval until the first of them.
            await().atMost(INTERVAL.multipliedBy(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pier.get("/_pier/status").getContentAsString()
                            .contains("\"health\":\"DOWN\",\"reason\":\"HTTP 503 from /health"));
            int before = b.requests();
            assertThat(backendsServing(pier, 12)).containsExactlyInAnyOrder("a", "c");
            assertThat(b.requests()).isEqualTo(before);

            b.health(200);
            await().atMost(INTERVAL.multipliedBy(3)).pollInterval(Duration.ofMillis(20))
                    .until(() -> backendsServing(pier, 3).contains("b"));
        } finally {
            Stream.of(a, b, c).forEach(TestBackend::close);
        }
    }

    @Test
    void aFirstProbeThatTimesOutIsSentAgainBeforeItDecides() {
        TestBackend a = TestBackend.start("a");
        a.slowProbes(1, 1500);
        try (PierHarness pier = PierHarness.start(dir, """
                health-check { interval = 1h, timeout = 500ms }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(a.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(pier.get("/").getStatus()).isEqualTo(200);
            assertThat(a.probes()).isEqualTo(2);
        } finally {
            a.close();
        }
    }

    @Test
    void aBackendThatNeverAnswersItsProbesIsDownAfterTwoTimeouts() {
        TestBackend a = TestBackend.start("a");
        a.slowProbes(5, 2000);
        try (PierHarness pier = PierHarness.start(dir, """
                health-check { interval = 1h, timeout = 300ms }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(a.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(pier.get("/").getStatus()).isEqualTo(503);
            assertThat(a.probes()).isEqualTo(2);
        } finally {
            a.close();
        }
    }

    @Test
    void backendWhoseListenerClosesIsMarkedDownAndTrafficGoesToTheOthers() {
        TestBackend a = TestBackend.start("a");
        TestBackend b = TestBackend.start("b");
        try (PierHarness pier = PierHarness.start(dir, """
                health-check { interval = %dms, timeout = 500ms, unhealthy-threshold = 1 }
                routes = [ { prefix = "/", backends = ["%s", "%s"] } ]
                """.formatted(INTERVAL.toMillis(), a.url(), b.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            b.close();
            await().atMost(INTERVAL.multipliedBy(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pier.get("/_pier/status").getContentAsString().contains("connection refused"));
            assertThat(backendsServing(pier, 6)).containsExactly("a");
        } finally {
            a.close();
        }
    }

    @Test
    void tcpCheckFollowsTheListener() {
        TestBackend a = TestBackend.start("a");
        a.health(500); // an HTTP check would call this down; a TCP check only opens a connection
        int port = a.port();
        TestBackend restarted = null;
        try (PierHarness pier = PierHarness.start(dir, """
                health-check { kind = tcp, interval = %dms, timeout = 500ms, unhealthy-threshold = 1, healthy-threshold = 1 }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(INTERVAL.toMillis(), a.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(pier.get("/_pier/status").getContentAsString()).contains("\"health\":\"UP\"")
                    .contains("TCP connection opened");
            assertThat(a.probes()).isZero();
            a.close();
            await().atMost(INTERVAL.multipliedBy(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pier.get("/").getStatus() == 503);
            restarted = TestBackend.start("a2", port);
            await().atMost(INTERVAL.multipliedBy(2)).pollInterval(Duration.ofMillis(20))
                    .until(() -> pier.get("/").getStatus() == 200);
        } finally {
            a.close();
            if (restarted != null) {
                restarted.close();
            }
        }
    }

    @Test
    void firstProbeRunsAtStartUpNotOneIntervalLater() {
        try (TestBackend a = TestBackend.start("a");
             PierHarness pier = PierHarness.start(dir, """
                     health-check { interval = 1h }
                     routes = [ { prefix = "/", backends = ["%s"] } ]
                     """.formatted(a.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(a.probes()).isEqualTo(1);
            assertThat(pier.get("/_pier/status").getContentAsString()).contains("first probe: HTTP 200 from /health");
        }
    }

    @Test
    void readyIs503UntilEveryBackendHasBeenProbed() {
        try (TestBackend a = TestBackend.start("a")) {
            // The second backend's probe hangs until its timeout: the route stays unready meanwhile.
            try (var silent = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress());
                 PierHarness pier = PierHarness.start(dir, """
                         health-check { interval = 1h, timeout = 3s }
                         routes = [ { prefix = "/", backends = ["%s", "http://127.0.0.1:%d"] } ]
                         """.formatted(a.url(), silent.getLocalPort()))) {
                assertThat(pier.get("/_pier/ready").getStatus()).isEqualTo(503);
                assertThat(pier.get("/_pier/health").getStatus()).isEqualTo(200);
                await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
                assertThat(pier.get("/_pier/status").getContentAsString()).contains("timed out after 3000 ms");
            }
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
    }
}
