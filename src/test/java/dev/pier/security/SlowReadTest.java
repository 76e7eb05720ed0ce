package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import dev.pier.testing.PierHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that never reads a large response is dropped once its connection has been idle for the idle timeout
 * (set to 2 s on the connector here: Jetty's default is 30 s): the backend exchange is given up and its
 * connection released, other clients are served meanwhile, and the backend is not blamed for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowReadTest {

    private static final int SIZE = 32 * 1024 * 1024;

    @TempDir
    Path dir;

    RecordingBackend backend;
    PierHarness pier;

    @BeforeEach
    void start() {
        backend = RecordingBackend.start("big");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                server { limits { write-idle-timeout = 2s } }
                routes = [ { prefix = "/", backends = ["%s"], passive-health { consecutive-failures = 1 } } ]
                """.formatted(backend.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        backend.close();
    }

    @Test
    void aClientThatNeverReadsIsDroppedAfterTheIdleTimeoutAndItsBackendConnectionReleased() {
        Backend big = pier.route("/").pool().backends().get(0);
        try (RawClient stalled = RawClient.connect(pier.port(), 4096)) {
            stalled.send("GET /big/" + SIZE + " HTTP/1.1\r\nHost: pier\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.targets().contains("/big/" + SIZE));

            for (int i = 0; i < 10; i++) {
                assertThat(pier.get("/other/" + i).getContentAsString()).isEqualTo("big GET /other/" + i);
            }

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(big.inFlight()).as("Pier's in-flight requests").isZero();
                assertThat(backend.openConnectionsCarrying("GET /big/")).as("backend connection of the download").isZero();
            });
            assertThat(stalled.awaitClosed(Duration.ofSeconds(10))).as("the stalled client's connection closed")
                    .isTrue();
        }
        assertThat(pier.route("/").pool().snapshot().statuses()).extracting(BackendStatus::health)
                .containsOnly(Health.UP);
        assertThat(pier.get("/after").getStatus()).isEqualTo(200);
    }
}
