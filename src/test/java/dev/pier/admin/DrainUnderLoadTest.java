package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.testing.LogCapture;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Draining a backend under 32 concurrent clients: not one request fails, the drained backend takes no new one,
 * and the completion signal answers when its last request in flight ends; then the redeploy recipe (restart the
 * backend, set it ready) brings it back under the same load.
 */
class DrainUnderLoadTest {

    private static final int CLIENTS = 32;
    private static final long LONG_MILLIS = 1_500;
    private static final Duration WAIT = Duration.ofSeconds(30);

    @TempDir
    Path directory;

    private final TestBackend a = TestBackend.start("a");
    private TestBackend b = TestBackend.start("b");
    private final TestBackend c = TestBackend.start("c");
    private PierHarness pier;
    private final ExecutorService clients = Executors.newFixedThreadPool(CLIENTS);
    private final AtomicBoolean running = new AtomicBoolean(true);
    private final List<String> failures = new CopyOnWriteArrayList<>();
    private final Map<String, AtomicInteger> served = new ConcurrentHashMap<>();
    private final AtomicInteger completed = new AtomicInteger();

    @BeforeEach
    void start() {
        // /only-b holds b alone: one drain without a route drains both of b's instances, and a slow request
        // there is the drained backend's last one.
        pier = PierHarness.start(directory, """
                health-check { interval = 200ms, healthy-threshold = 1, unhealthy-threshold = 1 }
                routes = [
                  { prefix = "/", backends = ["%1$s", "%2$s", "%3$s"] }
                  { prefix = "/only-b", backends = ["%2$s"] }
                ]
                """.formatted(a.url(), b.url(), c.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() throws Exception {
        running.set(false);
        clients.shutdown();
        clients.awaitTermination(30, TimeUnit.SECONDS);
        pier.close();
        a.close();
        b.close();
        c.close();
    }

    private void startLoad() {
        for (int i = 0; i < CLIENTS; i++) {
            clients.submit(() -> {
                while (running.get()) {
                    long delay = ThreadLocalRandom.current().nextLong(5, 60);
                    try {
                        ContentResponse answer = pier.request("/load").headers(h -> h.put("X-Test-Delay",
                                Long.toString(delay))).send();
                        if (answer.getStatus() != 200) {
                            failures.add(answer.getStatus() + " " + answer.getContentAsString());
                        } else {
                            served.computeIfAbsent(answer.getContentAsString(), k -> new AtomicInteger())
                                    .incrementAndGet();
                        }
                    } catch (Exception e) {
                        failures.add(e.toString());
                    }
                    completed.incrementAndGet();
                }
            });
        }
    }

    private int servedBy(String name) {
        AtomicInteger count = served.get(name);
        return count == null ? 0 : count.get();
    }

    private int bInFlight() {
        return pier.runtime().router().routes().stream()
                .flatMap(route -> route.pool().backends().stream())
                .filter(backend -> backend.port() == b.port()).mapToInt(Backend::inFlight).sum();
    }

    private ContentResponse post(String pathAndQuery) throws Exception {
        return pier.request(pathAndQuery).method(HttpMethod.POST).send();
    }

    @Test
    void drainingUnderThirtyTwoClientsFailsNothingAndSignalsWhenTheLastRequestEnds() throws Exception {
        startLoad();
        await().atMost(WAIT).until(() -> servedBy("b") > 50 && servedBy("a") > 50 && servedBy("c") > 50);

        // The drained backend's last request: slow, started before the drain.
        AtomicLong longEnded = new AtomicLong();
        CompletableFuture<Result> longRequest = new CompletableFuture<>();
        long longSent = System.nanoTime();
        pier.request("/only-b/long").headers(h -> h.put("X-Test-Delay", Long.toString(LONG_MILLIS)))
                .send(result -> {
                    longEnded.set(System.nanoTime());
                    longRequest.complete(result);
                });
        await().atMost(WAIT).until(() -> pier.route("/only-b").pool().backends().get(0).inFlight() == 1);

        try (LogCapture events = LogCapture.of("pier.events")) {
            ContentResponse drain = post("/_pier/backends/state?backend=127.0.0.1:" + b.port() + "&state=drain");
            assertThat(drain.getStatus()).isEqualTo(200);
            assertThat(drain.getContentAsString()).contains("\"route\":\"/\"", "\"route\":\"/only-b\"",
                    "\"before\":\"ready\"");

            ContentResponse done = pier.request("/_pier/backends/drain?backend=127.0.0.1:" + b.port() + "&wait=30s")
                    .timeout(40, TimeUnit.SECONDS).send();
            long doneAt = System.nanoTime();
            int inFlightAtAnswer = bInFlight();

            assertThat(done.getStatus()).isEqualTo(200);
            assertThat(done.getContentAsString()).contains("\"idle\":true", "\"inFlight\":0");
            assertThat(inFlightAtAnswer).isZero();
            Result last = longRequest.get(20, TimeUnit.SECONDS);
            assertThat(last.isSucceeded()).isTrue();
            assertThat(last.getResponse().getStatus()).isEqualTo(200);
            // Not before the last request could end, and about when it did.
            assertThat(Duration.ofNanos(doneAt - longSent)).isGreaterThanOrEqualTo(Duration.ofMillis(LONG_MILLIS));
            // With the last request's end, not at the end of the 30 s wait (bounded loosely: machines are shared).
            assertThat(Duration.ofNanos(Math.abs(doneAt - longEnded.get()))).isLessThan(Duration.ofSeconds(10));

            // No new request reaches b; the load goes on over a and c.
            int bServed = b.requests();
            int before = completed.get();
            await().atMost(WAIT).until(() -> completed.get() > before + 300);
            assertThat(b.requests()).isEqualTo(bServed);

            // One drained event for each of b's instances.
            await().atMost(WAIT).until(() -> events.messages().stream().filter(l -> l.contains(" drained:")).count() == 2);
            assertThat(events.messages()).filteredOn(l -> l.contains(" drained:"))
                    .anySatisfy(l -> assertThat(l).contains("Backend " + b.url() + " of route / drained"))
                    .anySatisfy(l -> assertThat(l).contains("Backend " + b.url() + " of route /only-b drained"));
            assertThat(events.messages()).anySatisfy(l -> assertThat(l).contains("of route /: ready -> drain"));
        }
        String status = pier.get("/_pier/status").getContentAsString();
        assertThat(status).contains("\"adminState\":\"drain\"", "\"drain\":{\"inFlight\":0,\"drained\":true");

        // Redeploy: stop b, start it again on its port, set it ready: it takes its share again.
        int port = b.port();
        b.close();
        b = TestBackend.start("b", port);
        assertThat(post("/_pier/backends/state?backend=127.0.0.1:" + port + "&state=ready").getStatus())
                .isEqualTo(200);
        await().atMost(WAIT).until(() -> b.requests() > 50);

        running.set(false);
        clients.shutdown();
        assertThat(clients.awaitTermination(30, TimeUnit.SECONDS)).isTrue();
        assertThat(failures).isEmpty();
        assertThat(completed.get()).isGreaterThan(1_000);
    }

    @Test
    void theWaitEndsWith202AndTheCountStillInFlight() throws Exception {
        List<CompletableFuture<Result>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<Result> done = new CompletableFuture<>();
            pier.request("/only-b/slow").headers(h -> h.put("X-Test-Delay", "3000")).send(done::complete);
            slow.add(done);
        }
        await().atMost(WAIT).until(() -> bInFlight() == 2);
        assertThat(post("/_pier/backends/state?backend=127.0.0.1:" + b.port() + "&route=/only-b&state=drain")
                .getStatus()).isEqualTo(200);

        long asked = System.nanoTime();
        ContentResponse waited = pier.get("/_pier/backends/drain?backend=127.0.0.1:" + b.port() + "&wait=300ms");

        assertThat(waited.getStatus()).isEqualTo(202);
        assertThat(waited.getContentAsString()).contains("\"idle\":false", "\"inFlight\":2");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isGreaterThanOrEqualTo(Duration.ofMillis(300));
        // Without a wait: the count, at once.
        ContentResponse now = pier.get("/_pier/backends/drain?backend=127.0.0.1:" + b.port());
        assertThat(now.getStatus()).isEqualTo(202);
        assertThat(pier.get("/_pier/status").getContentAsString())
                .contains("\"drain\":{\"inFlight\":2,\"drained\":false,\"drainedAt\":null}");

        for (CompletableFuture<Result> done : slow) {
            assertThat(done.get(20, TimeUnit.SECONDS).getResponse().getStatus()).isEqualTo(200);
        }
        assertThat(pier.get("/_pier/backends/drain?backend=127.0.0.1:" + b.port() + "&wait=5s").getStatus())
                .isEqualTo(200);
    }

    @Test
    void anIdleBackendAnswersAtOnce() throws Exception {
        long asked = System.nanoTime();
        ContentResponse answer = pier.get("/_pier/backends/drain?backend=127.0.0.1:" + a.port() + "&wait=30s");

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getContentAsString()).isEqualTo("{\"backend\":\"127.0.0.1:" + a.port()
                + "\",\"idle\":true,\"inFlight\":0,\"waitedMs\":0}\n");
        assertThat(Duration.ofNanos(System.nanoTime() - asked)).isLessThan(Duration.ofSeconds(10));
    }
}
