package dev.pier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import dev.pier.routing.Route;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Configuration reload, embedded: {@code POST /_pier/reload} and a change of the file on disk. */
class ReloadTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final TestBackend alpha = TestBackend.start("alpha");
    private final TestBackend beta = TestBackend.start("beta");
    private final TestBackend gamma = TestBackend.start("gamma");
    private PierHarness pier;

    @AfterEach
    void stopAll() {
        if (pier != null) {
            pier.close();
        }
        alpha.close();
        beta.close();
        gamma.close();
    }

    private static String body(String interval, TestBackend... backends) {
        String urls = List.of(backends).stream().map(b -> "\"" + b.url() + "\"").collect(Collectors.joining(", "));
        return """
                health-check { interval = %s, healthy-threshold = 1, unhealthy-threshold = 1 }
                routes = [ { prefix = "/", backends = [%s] } ]
                """.formatted(interval, urls);
    }

    private void rewrite(String body) throws Exception {
        // Write-and-rename, as editors and deployment tools do: the watcher never reads half a file.
        Path next = directory.resolve("pier.conf.next");
        Files.writeString(next, "pier {\n" + body + "\n}\n");
        Files.move(next, pier.configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }

    private ContentResponse reload() throws Exception {
        return pier.request("/_pier/reload").method(HttpMethod.POST).send();
    }

    private PierRuntime runtime() {
        return pier.runtime();
    }

    private BackendStatus status(TestBackend backend) {
        for (Route route : runtime().router().routes()) {
            for (BackendStatus status : route.pool().snapshot().statuses()) {
                if (status.backend().url().equals(backend.url())) {
                    return status;
                }
            }
        }
        throw new AssertionError(backend.name() + " is not configured");
    }

    @Test
    void keptBackendKeepsItsHealthWithoutAnExtraProbeAndANewOneIsProbedAtOnce() throws Exception {
        pier = PierHarness.start(directory, body("1h", alpha, beta));
        await().atMost(WAIT).until(() -> pier.get("/_pier/ready").getStatus() == 200);
        BackendStatus before = status(alpha);
        int probesBefore = alpha.probes();
        assertThat(before.health()).isEqualTo(Health.UP);

        rewrite(body("1h", alpha, gamma));
        ContentResponse answer = reload();

        assertThat(answer.getStatus()).isEqualTo(200);
        assertThat(answer.getContentAsString()).contains("1 kept, 1 added, 1 removed");
        await().atMost(WAIT).until(() -> status(gamma).health() == Health.UP);
        assertThat(gamma.probes()).isEqualTo(1);
        assertThat(status(alpha)).isEqualTo(before);
        assertThat(alpha.probes()).isEqualTo(probesBefore);
        List<String> served = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            served.add(pier.get("/x").getContentAsString());
        }
        assertThat(served).containsOnly("alpha", "gamma");
    }

    @Test
    void keptBackendThatIsDownStaysDownAcrossAReload() throws Exception {
        beta.health(503);
        pier = PierHarness.start(directory, body("1h", alpha, beta));
        await().atMost(WAIT).until(() -> pier.get("/_pier/ready").getStatus() == 200);
        assertThat(status(beta).health()).isEqualTo(Health.DOWN);

        rewrite(body("1h", beta, alpha, gamma));
        assertThat(reload().getStatus()).isEqualTo(200);

        assertThat(status(beta).health()).isEqualTo(Health.DOWN);
        for (int i = 0; i < 6; i++) {
            assertThat(pier.get("/x").getContentAsString()).isNotEqualTo("beta");
        }
    }

    @Test
    void removedBackendGetsNoNewRequestAndItsProbesStop() throws Exception {
        pier = PierHarness.start(directory, body("100ms", alpha, beta));
        await().atMost(WAIT).until(() -> beta.probes() >= 2);

        rewrite(body("100ms", alpha));
        assertThat(reload().getStatus()).isEqualTo(200);
        int requests = beta.requests();

        for (int i = 0; i < 6; i++) {
            assertThat(pier.get("/x").getContentAsString()).isEqualTo("alpha");
        }
        assertThat(beta.requests()).isEqualTo(requests);
        int[] last = {beta.probes()};
        await().during(Duration.ofSeconds(1)).atMost(WAIT).until(() -> {
            int now = beta.probes();
            boolean unchanged = now == last[0];
            last[0] = now;
            return unchanged;
        });
        // The kept backend is still probed on its schedule.
        int alphaProbes = alpha.probes();
        await().atMost(WAIT).until(() -> alpha.probes() > alphaProbes);
    }

    @Test
    void inFlightRequestToARemovedBackendCompletes() throws Exception {
        pier = PierHarness.start(directory, body("1h", beta));
        await().atMost(WAIT).until(() -> pier.get("/_pier/ready").getStatus() == 200);
        ExecutorService client = Executors.newSingleThreadExecutor();
        try {
            Future<ContentResponse> inFlight = client.submit(
                    () -> pier.request("/slow").headers(h -> h.put("X-Test-Delay", "1500")).send());
            await().atMost(WAIT).until(() -> beta.requests() == 1);

            rewrite(body("1h", alpha));
            assertThat(reload().getStatus()).isEqualTo(200);
            assertThat(pier.get("/x").getContentAsString()).isEqualTo("alpha");

            ContentResponse completed = inFlight.get(20, TimeUnit.SECONDS);
            assertThat(completed.getStatus()).isEqualTo(200);
            assertThat(completed.getContentAsString()).isEqualTo("beta");
        } finally {
            client.shutdownNow();
        }
    }

    @Test
    void invalidFileIsRejectedWithItsFileLineAndKeyAndTheRunningConfigurationKeepsServing() throws Exception {
        pier = PierHarness.start(directory, body("1h", alpha));
        await().atMost(WAIT).until(() -> pier.get("/_pier/ready").getStatus() == 200);

        rewrite("routes = [ { prefix = \"/\",\n backends = [\"ftp://nowhere:21\"] } ]");
        ContentResponse answer = reload();

        assertThat(answer.getStatus()).isEqualTo(422);
        assertThat(answer.getContentAsString()).contains("pier.conf: 3: pier.routes[0].backends[0]")
                .contains("'ftp://nowhere:21' is not a backend URL")
                .contains("Still serving the previous configuration");
        assertThat(pier.get("/x").getContentAsString()).isEqualTo("alpha");
        assertThat(status(alpha).health()).isEqualTo(Health.UP);
    }

    @Test
    void changingTheFileOnDiskReloadsIt() throws Exception {
        pier = PierHarness.start(directory, body("1h", alpha));
        await().atMost(WAIT).until(() -> pier.get("/x").getContentAsString().equals("alpha"));

        rewrite(body("1h", gamma));

        await().atMost(WAIT).until(() -> pier.get("/x").getContentAsString().equals("gamma"));
    }

    @Test
    void aBusyFileBesideTheConfigurationDoesNotHoldUpItsReload() throws Exception {
        pier = PierHarness.start(directory, body("1h", alpha));
        await().atMost(WAIT).until(() -> pier.get("/x").getContentAsString().equals("alpha"));
        // A log file in the same directory, written every few milliseconds, as an access log under load is.
        java.util.concurrent.atomic.AtomicBoolean writing = new java.util.concurrent.atomic.AtomicBoolean(true);
        Path log = directory.resolve("busy.log");
        Thread writer = new Thread(() -> {
            for (int i = 0; writing.get() && i < 20_000; i++) {
                try {
                    Files.writeString(log, "line " + i + "\n", java.nio.file.StandardOpenOption.CREATE,
                            java.nio.file.StandardOpenOption.APPEND);
                    java.util.concurrent.locks.LockSupport.parkNanos(2_000_000);
                } catch (java.io.IOException e) {
                    return;
                }
            }
        }, "busy-log-writer");
        writer.start();
        try {
            rewrite(body("1h", gamma));
            await().atMost(WAIT).until(() -> pier.get("/x").getContentAsString().equals("gamma"));
        } finally {
            writing.set(false);
            writer.join(10_000);
        }
    }

    @Test
    void invalidFileOnDiskIsRejectedAndTheRunningConfigurationKeepsServing() throws Exception {
        pier = PierHarness.start(directory, body("1h", alpha));
        await().atMost(WAIT).until(() -> pier.get("/x").getContentAsString().equals("alpha"));

        rewrite("routes = []");

        await().atMost(WAIT).until(() -> pier.get("/_pier/status").getContentAsString()
                .contains("\"rejected\":1"));
        assertThat(pier.get("/_pier/status").getContentAsString())
                .contains("pier.conf: 2: pier.routes: no routes are configured");
        assertThat(pier.get("/x").getContentAsString()).isEqualTo("alpha");
    }

    @Test
    void reloadUnderConcurrentLoadFailsNoRequest() throws Exception {
        pier = PierHarness.start(directory, body("1h", alpha, beta));
        await().atMost(WAIT).until(() -> pier.get("/_pier/ready").getStatus() == 200);
        ExecutorService clients = Executors.newFixedThreadPool(4);
        try {
            List<Future<List<Integer>>> results = new ArrayList<>();
            for (int c = 0; c < 4; c++) {
                results.add(clients.submit(() -> {
                    List<Integer> statuses = new ArrayList<>();
                    for (int i = 0; i < 150; i++) {
                        statuses.add(pier.get("/load/" + i).getStatus());
                    }
                    return statuses;
                }));
            }
            for (int i = 0; i < 10; i++) {
                rewrite(i % 2 == 0 ? body("1h", beta, gamma) : body("1h", alpha, beta));
                assertThat(reload().getStatus()).isEqualTo(200);
            }
            List<Integer> all = new ArrayList<>();
            for (Future<List<Integer>> result : results) {
                all.addAll(result.get(60, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(600).containsOnly(200);
        } finally {
            clients.shutdownNow();
        }
    }
}
