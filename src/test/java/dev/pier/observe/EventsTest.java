package dev.pier.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.LogCapture;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** State changes go to the {@code pier.events} logger, one line each; requests never do. */
class EventsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    @Test
    void healthTransitionsAllDownAndReloadsAreEventsAndRequestsAreNot() throws Exception {
        try (LogCapture events = LogCapture.of("pier.events"); TestBackend a = TestBackend.start("a")) {
            String body = """
                    health-check { interval = 100ms, healthy-threshold = 1, unhealthy-threshold = 1 }
                    routes = [ { prefix = "/", backends = ["%s"] } ]
                    """.formatted(a.url());
            try (PierHarness pier = PierHarness.start(dir, body)) {
                pier.awaitReady();
                String backend = "Backend " + a.url() + " of route / is ";
                await().atMost(WAIT).until(() -> events.messages().contains(backend + "UP: first probe: HTTP 200 from /health"));

                a.health(503);
                await().atMost(WAIT).until(() -> events.messages().contains(
                        backend + "DOWN: HTTP 503 from /health (consecutive failures reached the threshold)"));
                assertThat(pier.get("/x").getStatus()).isEqualTo(503);
                await().atMost(WAIT).until(() -> events.messages().stream()
                        .anyMatch(line -> line.startsWith("Every backend of route / is down, draining or in maintenance: answering 503")));
                a.health(200);
                await().atMost(WAIT).until(() -> events.messages().contains(
                        backend + "UP: HTTP 200 from /health (consecutive successes reached the threshold)"));
                await().atMost(WAIT).until(() -> pier.get("/x").getStatus() == 200);
                assertThat(events.messages()).contains("Route / has an eligible backend again");

                Files.writeString(pier.configFile(), "pier {\n  routes = []\n}\n");
                assertThat(pier.runtime().reload().applied()).isFalse();
                Files.writeString(pier.configFile(), "pier {\n" + body + "}\n");
                assertThat(pier.runtime().reload().applied()).isTrue();

                assertThat(events.messages()).anyMatch(line -> line.startsWith("Pier configuration " + pier.configFile()
                        + " is invalid; still serving the previous one:") && line.contains("pier.routes"));
                assertThat(events.messages()).anyMatch(line -> line.equals("Pier configuration reloaded from "
                        + pier.configFile() + ": 1 route(s); backends: 1 kept, 0 added, 0 removed"));
                assertThat(events.messages()).noneMatch(line -> line.contains("GET"));
            }
        }
    }

    @Test
    void aPassiveEjectionIsAnEvent() throws Exception {
        try (LogCapture events = LogCapture.of("pier.events"); TestBackend a = TestBackend.start("a")) {
            TestBackend gone = TestBackend.start("gone");
            try (PierHarness pier = PierHarness.start(dir, """
                    health-check { kind = tcp, interval = 1h }
                    routes = [ { prefix = "/", backends = ["%s", "%s"], passive-health { consecutive-failures = 1 } } ]
                    """.formatted(gone.url(), a.url()))) {
                pier.awaitReady();
                gone.close();
                pier.get("/x");
                pier.get("/x");

                assertThat(events.messages()).contains("Backend " + gone.url() + " of route / is DOWN: 1 consecutive "
                        + "failed requests, the last: connection refused (passive health)");
            }
        }
    }
}
