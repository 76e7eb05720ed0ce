package dev.pier.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.Scrape;
import dev.pier.testing.TestBackend;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * What every container must do with the deployed WAR, over plain HTTP: round robin across three real backends, a
 * drain and its completion signal, a backend going down and coming back, 503 when all are down,
 * {@code /_pier/health}. Container-neutral: it uses
 * the JDK's HTTP client and Jetty-core backends only, so that it runs on a Tomcat classpath too.
 */
final class ContainerScenario {

    private static final Duration WAIT = Duration.ofSeconds(20);
    private static final HttpClient CLIENT = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    private ContainerScenario() {
    }

    /** A configuration file for {@code backends}: fast health checks, one probe to change state. */
    static Path writeConfig(Path directory, String name, List<TestBackend> backends) throws IOException {
        String urls = backends.stream().map(b -> "\"" + b.url() + "\"").collect(Collectors.joining(", "));
        Path file = directory.resolve(name);
        Files.writeString(file, """
                pier {
                  health-check { interval = 100ms, timeout = 2s, healthy-threshold = 1, unhealthy-threshold = 1 }
                  routes = [ { prefix = "/", backends = [%s] } ]
                }
                """.formatted(urls));
        return file;
    }

    /** A configuration file that fails validation: a route without backends. */
    static Path writeInvalidConfig(Path directory) throws IOException {
        Path file = directory.resolve("broken.conf");
        Files.writeString(file, "pier {\n  routes = [ { prefix = \"/\", backends = [] } ]\n}\n");
        return file;
    }

    static HttpResponse<String> get(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT).GET().build());
    }

    static HttpResponse<String> post(String url) {
        return send(HttpRequest.newBuilder(URI.create(url)).timeout(WAIT)
                .POST(HttpRequest.BodyPublishers.noBody()).build());
    }

    static HttpResponse<String> send(HttpRequest request) {
        try {
            return CLIENT.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(request.uri() + ": " + e, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /** Runs the whole scenario against Pier deployed at {@code base} (no trailing slash) over {@code backends}. */
    static void run(String base, List<TestBackend> backends) {
        assertThat(get(base + "/_pier/health").statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> get(base + "/_pier/ready").statusCode() == 200);

        // Round robin, in configured order, from wherever the counter stands.
        List<String> names = backends.stream().map(TestBackend::name).toList();
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < names.size() + 1; i++) {
            HttpResponse<String> response = get(base + "/x");
            assertThat(response.statusCode()).isEqualTo(200);
            seen.add(response.body());
        }
        int start = names.indexOf(seen.get(0));
        assertThat(start).isNotNegative();
        List<String> expected = new ArrayList<>();
        for (int i = 0; i < names.size() + 1; i++) {
            expected.add(names.get((start + i) % names.size()));
        }
        assertThat(seen).isEqualTo(expected);

        drain(base, backends);

        // One backend goes down: it stops receiving traffic; then it comes back.
        TestBackend sick = backends.get(0);
        sick.health(503);
        await().atMost(WAIT).until(() -> !answeredBy(base, backends.size()).contains(sick.name()));
        sick.health(200);
        await().atMost(WAIT).until(() -> answeredBy(base, backends.size()).contains(sick.name()));

        // All down: 503 with Retry-After; all back: served again.
        backends.forEach(b -> b.health(503));
        await().atMost(WAIT).until(() -> get(base + "/x").statusCode() == 503);
        assertThat(get(base + "/x").headers().firstValue("Retry-After")).isPresent();
        backends.forEach(b -> b.health(200));
        await().atMost(WAIT).until(() -> get(base + "/x").statusCode() == 200);

        // Every request ended where the access log and the metrics see it: what the backends served, counted once
        // each under its backend; Pier's own 503s under "-".
        int served = backends.stream().mapToInt(TestBackend::requests).sum();
        await().atMost(WAIT).untilAsserted(() -> {
            HttpResponse<String> metrics = get(base + "/_pier/metrics");
            assertThat(metrics.statusCode()).isEqualTo(200);
            Scrape scrape = Scrape.parse(metrics.body());
            double counted = 0;
            for (TestBackend backend : backends) {
                counted += scrape.sum("pier_requests_total", "route", "/", "backend", "127.0.0.1:" + backend.port());
            }
            assertThat(counted).isEqualTo(served);
            assertThat(scrape.value("pier_requests_total", "route", "/", "backend", "-", "code", "5xx")).isPositive();
            assertThat(scrape.find("jvm_memory_used_bytes")).isNotEmpty();
        });
    }

    /** Live threads of logback's asynchronous appenders and Pier's batching ones, the test JVM's own and any WAR's. */
    static long loggingThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .filter(thread -> thread.getName().startsWith("AsyncAppender-Worker")
                        || thread.getName().startsWith("BatchingConsoleAppender-"))
                .count();
    }

    /**
     * Drains the first backend while a slow request runs on each: the wait ends with 202 while its request runs and
     * answers 200 once it ended (servlet async, in every container); meanwhile it takes no new request.
     */
    private static void drain(String base, List<TestBackend> backends) {
        TestBackend drained = backends.get(0);
        String backend = "backend=127.0.0.1:" + drained.port();
        List<CompletableFuture<HttpResponse<String>>> slow = new ArrayList<>();
        for (int i = 0; i < backends.size(); i++) {
            slow.add(CLIENT.sendAsync(HttpRequest.newBuilder(URI.create(base + "/slow")).timeout(WAIT)
                    .header("X-Test-Delay", "2000").build(), HttpResponse.BodyHandlers.ofString()));
        }
        await().atMost(WAIT).until(() -> backends.stream().allMatch(b -> b.paths().contains("/slow")));
        assertThat(post(base + "/_pier/backends/state?" + backend + "&state=drain").statusCode()).isEqualTo(200);

        HttpResponse<String> waiting = get(base + "/_pier/backends/drain?" + backend + "&wait=200ms");
        assertThat(waiting.statusCode()).isEqualTo(202);
        assertThat(waiting.body()).contains("\"inFlight\":1");
        assertThat(answeredBy(base, backends.size())).doesNotContain(drained.name());
        HttpResponse<String> done = get(base + "/_pier/backends/drain?" + backend + "&wait=15s");
        assertThat(done.statusCode()).isEqualTo(200);
        assertThat(done.body()).contains("\"idle\":true");
        slow.forEach(response -> assertThat(response.join().statusCode()).isEqualTo(200));

        assertThat(post(base + "/_pier/backends/state?" + backend + "&state=ready").statusCode()).isEqualTo(200);
        await().atMost(WAIT).until(() -> answeredBy(base, backends.size()).contains(drained.name()));
    }

    private static Set<String> answeredBy(String base, int requests) {
        return IntStream.range(0, requests * 2)
                .mapToObj(i -> get(base + "/x"))
                .filter(r -> r.statusCode() == 200)
                .map(HttpResponse::body)
                .collect(Collectors.toSet());
    }

    /** Live threads whose name says they are Pier's (health checks, proxy client, config watch). */
    static List<String> pierThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("pier-"))
                .sorted()
                .toList();
    }
}
