package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A drain wait longer than the embedded server's connection idle limits still gets its answer. */
class DrainWaitIdleTimeoutTest {

    @TempDir
    Path directory;

    private final TestBackend backend = TestBackend.start("slow");
    private PierHarness pier;

    @BeforeEach
    void start() {
        pier = PierHarness.start(directory, """
                server { limits { header-timeout = 1s, body-idle-timeout = 1s, write-idle-timeout = 1s } }
                health-check { interval = 1h }
                routes = [ { prefix = "/", proxy { request-timeout = 20s }, backends = ["%s"] } ]
                """.formatted(backend.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        backend.close();
    }

    @Test
    void aWaitOutlastingTheIdleTimeoutsEndsWith202AndALaterOneWith200() throws Exception {
        CompletableFuture<Result> slow = new CompletableFuture<>();
        pier.request("/slow").headers(h -> h.put("X-Test-Delay", "4500")).send(slow::complete);
        await().atMost(Duration.ofSeconds(10)).until(() -> backend.requests() == 1);

        ContentResponse first = pier.get("/_pier/backends/drain?backend=127.0.0.1:" + backend.port() + "&wait=2500ms");
        assertThat(first.getStatus()).isEqualTo(202);
        assertThat(first.getContentAsString()).contains("\"inFlight\":1");

        ContentResponse second = pier.get("/_pier/backends/drain?backend=127.0.0.1:" + backend.port() + "&wait=10s");
        assertThat(second.getStatus()).isEqualTo(200);
        assertThat(slow.get(20, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(200);
    }
}
