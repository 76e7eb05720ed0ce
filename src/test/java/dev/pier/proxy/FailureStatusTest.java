package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What a client gets when backends fail: 503, 504, 502, and a backend's own 5xx passed through. */
class FailureStatusTest {

    @TempDir
    Path dir;

    @Test
    void everyBackendDownGets503WithRetryAfter() {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
            a.health(503);
            b.health(500);
            try (PierHarness pier = PierHarness.start(dir, """
                    health-check { interval = 7s }
                    routes = [ { prefix = "/", backends = ["%s", "%s"] } ]
                    """.formatted(a.url(), b.url()))) {
                await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
                ContentResponse response = pier.get("/x");
                assertThat(response.getStatus()).isEqualTo(503);
                assertThat(response.getHeaders().get("Retry-After")).isEqualTo("7");
                assertThat(a.requests() + b.requests()).isZero();
            }
        }
    }

    @Test
    void backendSlowerThanTheRouteTimeoutGets504() {
        try (TestBackend slow = TestBackend.start("slow");
             PierHarness pier = PierHarness.start(dir, """
                     health-check { interval = 1h }
                     proxy { request-timeout = 30s }
                     routes = [ { prefix = "/", backends = ["%s"], proxy { request-timeout = 300ms } } ]
                     """.formatted(slow.url()))) {
            ContentResponse response = pier.get("/");
            assertThat(response.getStatus()).isEqualTo(200);
            ContentResponse late = pier.request("/slow").headers(h -> h.put("X-Test-Delay", "5000")).send();
            assertThat(late.getStatus()).isEqualTo(504);
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void backendWhoseListenerClosedGets502() {
        TestBackend gone = TestBackend.start("gone");
        try (PierHarness pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(gone.url()))) {
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(pier.get("/").getStatus()).isEqualTo(200);
            gone.close();
            // Its probes run once an hour: Pier still thinks it up, and the exchange itself fails.
            assertThat(pier.get("/").getStatus()).isEqualTo(502);
            assertThat(pier.get("/_pier/health").getStatus()).isEqualTo(200);
        }
    }

    @Test
    void backendOwn5xxIsPassedThroughUnchanged() {
        try (TestBackend a = TestBackend.start("a");
             PierHarness pier = PierHarness.start(dir, """
                     health-check { interval = 1h }
                     routes = [ { prefix = "/", backends = ["%s"] } ]
                     """.formatted(a.url()))) {
            ContentResponse response = pier.request("/").headers(h -> h.put("X-Test-Status", "503")).send();
            assertThat(response.getStatus()).isEqualTo(503);
            assertThat(response.getContentAsString()).isEqualTo("a");
            assertThat(response.getHeaders().get("X-Backend")).isEqualTo("a");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }
}
