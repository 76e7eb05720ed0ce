package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A client that never reads a large response is dropped once its connection has been idle for the idle timeout
 * (set to 2 s on the connector here: Jetty's default is 30 s): the backend exchange is given up and its
 * connection released, other clients are served meanwhile, and the backend is not blamed for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowReadTest {

    private static final int SIZE = 32 * 1024 * 1024;

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("big").config("""
            health-check { interval = 1h }
            server { limits { write-idle-timeout = 2s } }
            routes = [ { prefix = "/", backends = ["%s"], passive-health { consecutive-failures = 1 } } ]
            """);

    @Test
    void aClientThatNeverReadsIsDroppedAfterTheIdleTimeoutAndItsBackendConnectionReleased() {
        Backend big = fixture.pier().route("/").pool().backends().get(0);
        try (RawClient stalled = RawClient.connect(fixture.pier().port(), 4096)) {
            stalled.send("GET /big/" + SIZE + " HTTP/1.1\r\nHost: pier\r\n\r\n");
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.backend().targets().contains("/big/" + SIZE));

            for (int i = 0; i < 10; i++) {
                assertThat(fixture.pier().get("/other/" + i).getContentAsString()).isEqualTo("big GET /other/" + i);
            }

            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
                assertThat(big.inFlight()).as("Pier's in-flight requests").isZero();
                assertThat(fixture.backend().openConnectionsCarrying("GET /big/"))
                        .as("backend connection of the download").isZero();
            });
            assertThat(stalled.awaitClosed(Duration.ofSeconds(10))).as("the stalled client's connection closed")
                    .isTrue();
        }
        assertThat(fixture.pier().route("/").pool().snapshot().statuses()).extracting(BackendStatus::health)
                .containsOnly(Health.UP);
        assertThat(fixture.pier().get("/after").getStatus()).isEqualTo(200);
    }
}
