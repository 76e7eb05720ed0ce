package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.backend.Health;
import dev.pier.routing.Route;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * 32 concurrent clients send GETs through Pier to 3 backends while one of them dies: not one request fails.
 * Bounded in count (each run stops after a fixed number of requests once its events happened) and in time
 * (every wait has a limit).
 */
class FailoverUnderLoadTest {

    private static final int CLIENTS = 32;

    @TempDir
    Path dir;

    private TestBackend a;
    private TestBackend b;
    private TestBackend c;
    private PierHarness pier;
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final AtomicInteger sent = new AtomicInteger();
    private final ConcurrentLinkedQueue<String> failures = new ConcurrentLinkedQueue<>();
    private final List<Thread> clients = new ArrayList<>();

    @BeforeEach
    void start() {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        c = TestBackend.start("c");
        pier = PierHarness.start(dir, """
                health-check { interval = 250ms, timeout = 1s, healthy-threshold = 2, unhealthy-threshold = 2 }
                routes = [ { prefix = "/", backends = ["%s", "%s", "%s"] } ]
                """.formatted(a.url(), b.url(), c.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(30_000);
        }
        pier.close();
        a.close();
        b.close();
        c.close();
    }

    private void startClients() throws InterruptedException {
        CountDownLatch started = new CountDownLatch(CLIENTS);
        for (int i = 0; i < CLIENTS; i++) {
            Thread client = new Thread(() -> {
                started.countDown();
                while (running.get()) {
                    int n = sent.incrementAndGet();
                    try {
                        ContentResponse response = pier.get("/load/" + n);
                        if (response.getStatus() != 200) {
                            failures.add(n + ": HTTP " + response.getStatus() + " " + response.getContentAsString());
                        }
                    } catch (RuntimeException e) {
                        failures.add(n + ": " + e);
                    }
                }
            }, "load-client-" + i);
            client.setDaemon(true);
            clients.add(client);
            client.start();
        }
        assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
    }

    private void awaitSent(int count) {
        await().atMost(Duration.ofSeconds(60)).until(() -> sent.get() >= count);
    }

    private void stopClients() throws InterruptedException {
        running.set(false);
        for (Thread client : clients) {
            client.join(30_000);
            assertThat(client.isAlive()).as("%s finished", client.getName()).isFalse();
        }
    }

    @Test
    void noRequestFailsWhileOneBackendsListenerIsClosedMidRun() throws InterruptedException {
        startClients();
        awaitSent(500);
        c.close();
        int atClose = sent.get();
        awaitSent(atClose + 1_500);
        Route route = pier.route("/");
        Backend closed = route.pool().backends().get(2);
        await().atMost(Duration.ofSeconds(30)).until(() -> route.pool().health(closed) == Health.DOWN);
        awaitSent(sent.get() + 500);
        stopClients();

        assertThat(failures).isEmpty();
        assertThat(route.retried()).as("requests that found c closed were tried elsewhere").isPositive();
        assertThat(a.requests() + b.requests() + c.requests()).isGreaterThanOrEqualTo(sent.get() - CLIENTS);
    }

    @Test
    void noRequestFailsWhileOneBackendIsKilledAndRestartedAndTrafficReturnsToIt() throws InterruptedException {
        startClients();
        awaitSent(500);
        int port = b.port();
        b.close();
        awaitSent(sent.get() + 1_000);
        TestBackend restarted = TestBackend.start("b", port);
        b = restarted;
        // The probes pass twice, b is up again, and round robin sends it its share.
        await().atMost(Duration.ofSeconds(30)).until(() -> restarted.requests() >= 100);
        stopClients();

        assertThat(failures).isEmpty();
        assertThat(restarted.requests()).isGreaterThanOrEqualTo(100);
    }
}
