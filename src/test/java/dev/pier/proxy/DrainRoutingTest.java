package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.routing.Route;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Through the proxy: a draining backend still serves the sticky clients pinned to it and is never a retry target. */
class DrainRoutingTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final TestBackend a = TestBackend.start("a");
    private final TestBackend b = TestBackend.start("b");
    private final TestBackend gone = TestBackend.start("gone");
    private PierHarness pier;

    @BeforeEach
    void start() {
        pier = PierHarness.start(directory, """
                health-check { interval = 1h }
                routes = [
                  { prefix = "/sticky", backends = ["%1$s", "%2$s"], policy = sticky-cookie }
                  { prefix = "/retry", backends = ["%3$s", "%2$s"], retries = 2,
                    passive-health { consecutive-failures = 0 } }
                ]
                """.formatted(a.url(), b.url(), gone.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        Stream.of(a, b, gone).forEach(TestBackend::close);
    }

    private void steer(String route, String state) throws Exception {
        assertThat(pier.request("/_pier/backends/state?backend=127.0.0.1:" + b.port() + "&route=" + route
                + "&state=" + state).method(HttpMethod.POST).send().getStatus()).isEqualTo(200);
    }

    /** A cookie that pins a client to b, as Pier set it. */
    private String cookieOfB() {
        for (int i = 0; i < 4; i++) {
            pier.client().getHttpCookieStore().clear();
            ContentResponse answer = pier.get("/sticky/x");
            if (answer.getContentAsString().equals("b")) {
                String setCookie = answer.getHeaders().get("Set-Cookie");
                return setCookie.substring(0, setCookie.indexOf(';'));
            }
        }
        throw new AssertionError("round robin never chose b");
    }

    @Test
    void aClientPinnedToADrainingBackendStaysWhileNewClientsGoElsewhere() throws Exception {
        String cookie = cookieOfB();
        pier.client().getHttpCookieStore().clear();
        CompletableFuture<Result> inFlight = new CompletableFuture<>();
        pier.request("/sticky/slow").headers(h -> h.put("Cookie", cookie).put("X-Test-Delay", "1000"))
                .send(inFlight::complete);
        await().atMost(WAIT).until(() -> pier.route("/sticky").pool().backends().get(1).inFlight() == 1);

        steer("/sticky", "drain");

        for (int i = 0; i < 5; i++) {
            ContentResponse pinned = pier.request("/sticky/x").headers(h -> h.put("Cookie", cookie)).send();
            assertThat(pinned.getStatus()).isEqualTo(200);
            assertThat(pinned.getContentAsString()).isEqualTo("b");
            pier.client().getHttpCookieStore().clear();
            ContentResponse fresh = pier.get("/sticky/x");
            assertThat(fresh.getContentAsString()).isEqualTo("a");
            assertThat(fresh.getHeaders().get("Set-Cookie")).startsWith("pier-sticky=");
        }
        Result slow = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(slow.getResponse().getStatus()).isEqualTo(200);
        assertThat(pier.get("/_pier/backends/drain?backend=127.0.0.1:" + b.port() + "&route=/sticky&wait=10s")
                .getStatus()).isEqualTo(200);

        // In maintenance: not even its pinned clients.
        steer("/sticky", "maint");
        assertThat(pier.request("/sticky/x").headers(h -> h.put("Cookie", cookie)).send().getContentAsString())
                .isEqualTo("a");
    }

    @Test
    void aDrainingBackendIsNeverTheTargetOfARetry() throws Exception {
        Route retry = pier.route("/retry");
        gone.close();
        // Ready: a request that fails on the closed backend is tried again on b.
        for (int i = 0; i < 2; i++) {
            assertThat(pier.get("/retry/x").getContentAsString()).isEqualTo("b");
        }
        long retried = retry.retried();
        assertThat(retried).isPositive();

        steer("/retry", "drain");
        int served = b.requests();

        for (int i = 0; i < 3; i++) {
            assertThat(pier.get("/retry/x").getStatus()).isEqualTo(502);
        }
        assertThat(b.requests()).isEqualTo(served);
        assertThat(retry.retried()).isEqualTo(retried);
    }
}
