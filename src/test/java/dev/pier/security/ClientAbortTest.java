package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Clients that go away in the middle of a download, many times in a row: each backend exchange is given up and
 * its connection closed, Pier's in-flight counts return to zero, and threads and file descriptors stay flat.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class ClientAbortTest {

    private static final int SIZE = 8 * 1024 * 1024;
    private static final int ABORTS = 40;

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("big").config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"] } ]
            """);

    /** Starts a download, reads a little of it, then goes away: by reset when {@code reset}, else by close. */
    private void abortedDownload(boolean reset) {
        RawClient client = RawClient.connect(fixture.pier().port());
        try {
            client.send("GET /big/" + SIZE + " HTTP/1.1\r\nHost: pier\r\n\r\n");
            String head = client.readUntilHeadAndSome(64 * 1024, Duration.ofSeconds(10));
            assertThat(head).startsWith("HTTP/1.1 200");
        } finally {
            if (reset) {
                client.abort();
            } else {
                client.close();
            }
        }
    }

    private void awaitEverythingReleased() {
        Backend big = fixture.pier().route("/").pool().backends().get(0);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> {
            assertThat(big.inFlight()).as("Pier's in-flight requests to the backend").isZero();
            assertThat(fixture.backend().openRequestConnections()).as("backend connections still open").isZero();
        });
    }

    @Test
    void downloadsAbandonedOverAndOverReleaseTheirBackendConnectionsThreadsAndFiles() {
        // Warm up: let the pools grow to what a few downloads need, then measure.
        for (int i = 0; i < 4; i++) {
            abortedDownload(i % 2 == 0);
        }
        awaitEverythingReleased();
        int threadsBefore = ProcessResources.threads();
        long fdsBefore = ProcessResources.fileDescriptors();

        for (int i = 0; i < ABORTS; i++) {
            abortedDownload(i % 2 == 0);
        }

        awaitEverythingReleased();
        assertThat(fixture.backend().requests()).hasSize(4 + ABORTS);
        assertThat(fixture.pier().get("/after").getContentAsString()).isEqualTo("big GET /after");
        // Thread pools may still grow towards their maximum on a loaded machine (Pier's, the backend's and the
        // test client's, a few threads each) and shrink only after their idle timeout; a thread kept per aborted
        // download would add ABORTS.
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                assertThat(ProcessResources.threads()).as("threads: %s", ProcessResources.threadNames())
                        .isLessThan(threadsBefore + ABORTS / 2));
        if (ProcessResources.canCountFileDescriptors()) {
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                    assertThat(ProcessResources.fileDescriptors()).as("open file descriptors")
                            .isLessThanOrEqualTo(fdsBefore + 10));
        }
    }
}
