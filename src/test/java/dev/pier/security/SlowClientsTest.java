package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import dev.pier.security.RecordingBackend.Received;
import dev.pier.testing.PierHarness;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Slow clients against Pier's deadlines ({@code pier.server.limits}): a request head that trickles in (slowloris)
 * is cut at {@code header-timeout}, a body that stalls gets 408 at {@code body-idle-timeout}. Neither reaches a
 * backend as a whole request, holds a backend connection, or counts against a backend's passive health. Route
 * {@code /} has 3 backends, 2 retries and passive health at 3 failures; route {@code /single} has one backend
 * that a single failure would mark down.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class SlowClientsTest {

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("a", "b", "c", "single").config("""
            server { limits { header-timeout = 2s, body-idle-timeout = 2s } }
            health-check { interval = 1h }
            route-defaults { retries = 2, passive-health { consecutive-failures = 3 } }
            routes = [
              { prefix = "/", backends = ["%s", "%s", "%s"] }
              { prefix = "/single", backends = ["%s"], passive-health { consecutive-failures = 1 } }
            ]
            """);
    final ScheduledExecutorService drip = Executors.newSingleThreadScheduledExecutor();

    @AfterEach
    void stopDripping() {
        drip.shutdownNow();
    }

    /** What the backends of route {@code /} received. */
    private List<Received> requests() {
        List<Received> all = new ArrayList<>();
        for (String name : List.of("a", "b", "c")) {
            all.addAll(fixture.backend(name).requests());
        }
        return all;
    }

    /** Of every backend, {@code single}'s included. */
    private int openConnectionsCarrying(String text) {
        return fixture.backends().stream().mapToInt(backend -> backend.openConnectionsCarrying(text)).sum();
    }

    private void assertRouteUnharmed(String prefix) {
        PierHarness pier = fixture.pier();
        await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pier.route(prefix).pool().backends())
                .extracting(Backend::inFlight).as("in-flight requests").containsOnly(0));
        assertThat(pier.route(prefix).pool().snapshot().statuses()).as("health of route %s", prefix)
                .extracting(BackendStatus::health).containsOnly(Health.UP);
        assertThat(pier.route(prefix).retried()).as("tries beyond the first").isZero();
        assertThat(pier.get(prefix.equals("/") ? "/normal" : prefix + "/normal").getStatus()).isEqualTo(200);
    }

    /** A POST that announces 1000 bytes, sends 10 and then nothing. */
    private static RawClient stalledPost(int port, String target) {
        RawClient client = RawClient.connect(port);
        client.send("POST " + target + " HTTP/1.1\r\nHost: pier\r\nContent-Type: application/octet-stream\r\n"
                + "Content-Length: 1000\r\n\r\n0123456789");
        return client;
    }

    /** Pier's answer to a stalled body: 408, or a close without one. */
    private static void assertTimedOut(RawClient client) {
        RawResponse response = client.readResponse(Duration.ofSeconds(10), false);
        if (response != null) {
            assertThat(response.status()).as("Pier's answer to a stalled body: %s", response).isEqualTo(408);
        }
        assertThat(client.awaitClosed(Duration.ofSeconds(10))).as("connection closed after the 408").isTrue();
    }

    @Test
    void slowlorisConnectionsAreClosedByTheHeaderDeadlineWhileOthersAreServed() {
        List<RawClient> slow = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                RawClient client = RawClient.connect(fixture.pier().port());
                slow.add(client);
                client.send("GET /slowloris/" + i + " HTTP/1.1\r\nHost: pier\r\n");
                AtomicInteger line = new AtomicInteger();
                // One more header line a second, never the empty line that ends the head.
                drip.scheduleAtFixedRate(() -> client.trySend("X-Drip-" + line.incrementAndGet() + ": v\r\n"),
                        1, 1, TimeUnit.SECONDS);
            }

            for (int i = 0; i < 5; i++) {
                assertThat(fixture.pier().get("/meanwhile/" + i).getStatus()).as("a normal request meanwhile")
                        .isEqualTo(200);
            }
            for (RawClient client : slow) {
                assertThat(client.awaitClosed(Duration.ofSeconds(10))).as("slowloris connection closed").isTrue();
            }
        } finally {
            slow.forEach(RawClient::close);
        }
        assertThat(requests()).extracting(Received::target).noneMatch(target -> target.startsWith("/slowloris/"));
        assertRouteUnharmed("/");
    }

    @Test
    void aStalledBodyGets408AndItsBackendConnectionIsClosedWithoutBlamingTheBackend() {
        RecordingBackend single = fixture.backend("single");
        try (RawClient client = stalledPost(fixture.pier().port(), "/single/stall")) {
            await().atMost(Duration.ofSeconds(10)).until(() -> single.targets().contains("/single/stall"));
            assertTimedOut(client);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> openConnectionsCarrying("POST /single/stall") == 0);
        assertThat(single.requests()).hasSize(1).allMatch(r -> Boolean.FALSE.equals(r.complete()), "cut short");
        assertRouteUnharmed("/single");
    }

    @Test
    void fiveSlowPostsGet408AndLeaveEveryBackendUpUnretried() {
        List<RawClient> clients = new ArrayList<>();
        try {
            for (int i = 0; i < 5; i++) {
                clients.add(stalledPost(fixture.pier().port(), "/slow-post/" + i));
            }
            for (RawClient client : clients) {
                assertTimedOut(client);
            }
        } finally {
            clients.forEach(RawClient::close);
        }

        await().atMost(Duration.ofSeconds(10)).until(() -> openConnectionsCarrying("POST /slow-post/") == 0);
        assertThat(requests()).as("slow posts at the backends, each once").hasSize(5)
                .allMatch(r -> Boolean.FALSE.equals(r.complete()), "cut short");
        assertRouteUnharmed("/");
    }
}
