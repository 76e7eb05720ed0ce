package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Result;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The policies through real Pier: the proxy counts requests in flight and sets the sticky cookie. */
class PolicyRoutingTest {

    @TempDir
    Path dir;

    TestBackend a;
    TestBackend b;
    TestBackend c;
    PierHarness pier;

    @BeforeEach
    void start() {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        c = TestBackend.start("c");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [
                  { prefix = "/least", backends = ["%1$s", "%2$s", "%3$s"], policy = least-connections }
                  { prefix = "/sticky", backends = ["%1$s", "%2$s", "%3$s"], policy = sticky-cookie }
                  { prefix = "/hash", backends = ["%1$s", "%2$s", "%3$s"], policy = consistent-hash,
                    hash-key = "header:X-User" }
                  { prefix = "/weighted", backends = [{ url = "%1$s", weight = 5 }, "%2$s", "%3$s"] }
                ]
                """.formatted(a.url(), b.url(), c.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        Stream.of(a, b, c).forEach(TestBackend::close);
    }

    @Test
    void leastConnectionsSteersAwayFromABackendHeldBusy() throws Exception {
        // Five slow requests, each sent once the previous one arrived: two backends hold two, one holds one...
        List<CompletableFuture<Result>> slow = new ArrayList<>();
        for (int i = 0; i < 5; i++) {
            CompletableFuture<Result> done = new CompletableFuture<>();
            pier.request("/least/slow").headers(h -> h.put("X-Test-Delay", "3000")).send(done::complete);
            slow.add(done);
            int sent = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> a.requests() + b.requests() + c.requests() == sent);
        }
        // ...so a quick request goes to the one holding a single request.
        assertThat(List.of(a.requests(), b.requests(), c.requests())).containsExactlyInAnyOrder(1, 2, 2);
        TestBackend idlest = a.requests() == 1 ? a : b.requests() == 1 ? b : c;
        ContentResponse quick = pier.request("/least/quick").headers(h -> h.put("X-Test-Delay", "0")).send();
        assertThat(quick.getContentAsString()).isEqualTo(idlest.name());
        for (CompletableFuture<Result> done : slow) {
            assertThat(done.get(20, TimeUnit.SECONDS).isSucceeded()).isTrue();
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> pier.route("/least").pool().backends().stream()
                .mapToInt(Backend::inFlight).sum() == 0);
    }

    @Test
    void stickyCookieBringsAClientBackToItsBackend() throws Exception {
        ContentResponse first = pier.get("/sticky/x");
        String setCookie = first.getHeaders().get("Set-Cookie");
        assertThat(setCookie).startsWith("pier-sticky=").contains("Path=/sticky").doesNotContain("127.0.0.1");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        String backend = first.getContentAsString();
        for (int i = 0; i < 6; i++) {
            ContentResponse again = pier.request("/sticky/x").headers(h -> h.put("Cookie", cookie)).send();
            assertThat(again.getContentAsString()).isEqualTo(backend);
            assertThat(again.getHeaders().get("Set-Cookie")).isNull();
        }
    }

    @Test
    void consistentHashSendsAUserToOneBackend() throws Exception {
        for (String user : List.of("alice", "bob", "carol")) {
            String backend = null;
            for (int i = 0; i < 5; i++) {
                String served = pier.request("/hash/x").headers(h -> h.put("X-User", user)).send()
                        .getContentAsString();
                backend = backend == null ? served : backend;
                assertThat(served).as("user %s", user).isEqualTo(backend);
            }
        }
    }

    @Test
    void weightedRoundRobinInterleavesThroughTheProxy() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seen.add(pier.get("/weighted/x").getContentAsString());
        }
        assertThat(seen).containsExactly("a", "a", "b", "a", "c", "a", "a");
    }
}
