package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Result;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code GET /_pier/explain}: the route, each backend's eligibility and why not, and the backend the policy picks
 * next, for each policy; explaining sends nothing and moves nothing.
 */
class ExplainTest {

    private static final Pattern NEXT = Pattern.compile("\"next\":\"http://127\\.0\\.0\\.1:([0-9]+)\"");

    @TempDir
    Path directory;

    private final TestBackend a = TestBackend.start("a");
    private final TestBackend b = TestBackend.start("b");
    private final TestBackend c = TestBackend.start("c");
    private final TestBackend down = TestBackend.start("down");
    private PierHarness pier;

    @BeforeEach
    void start() {
        down.health(503);
        pier = PierHarness.start(directory, """
                health-check { interval = 1h }
                routes = [
                  { prefix = "/rr", strip-prefix = true, backends = ["%1$s", "%2$s", "%3$s", "%4$s"] }
                  { prefix = "/least", backends = ["%1$s", "%2$s", "%3$s"], policy = least-connections }
                  { prefix = "/random", backends = ["%1$s", "%2$s", "%3$s"], policy = random-two-choices }
                  { prefix = "/hash", backends = ["%1$s", "%2$s", "%3$s"], policy = consistent-hash,
                    hash-key = "header:X-User" }
                  { prefix = "/sticky", backends = ["%1$s", "%2$s", "%3$s"], policy = sticky-cookie }
                  { prefix = "/maint", backends = ["%1$s"] }
                ]
                """.formatted(a.url(), b.url(), c.url(), down.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        Stream.of(a, b, c, down).forEach(TestBackend::close);
    }

    private String explain(String path) {
        return explain(pier.request("/_pier/explain?path=" + path));
    }

    private static String explain(Request request) {
        try {
            ContentResponse answer = request.send();
            assertThat(answer.getStatus()).isEqualTo(200);
            assertThat(answer.getHeaders().get("Content-Type")).startsWith("application/json");
            return answer.getContentAsString();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The name of the backend that explain says comes next. */
    private String next(String explained) {
        Matcher matcher = NEXT.matcher(explained);
        assertThat(matcher.find()).as(explained).isTrue();
        int port = Integer.parseInt(matcher.group(1));
        return Stream.of(a, b, c, down).filter(x -> x.port() == port).findFirst().orElseThrow().name();
    }

    private int sent() {
        return a.requests() + b.requests() + c.requests() + down.requests();
    }

    private void steer(TestBackend backend, String route, String state) throws Exception {
        assertThat(pier.request("/_pier/backends/state?backend=127.0.0.1:" + backend.port() + "&route=" + route
                + "&state=" + state).method(HttpMethod.POST).send().getStatus()).isEqualTo(200);
    }

    @Test
    void roundRobinExplainsEachBackendAndNamesTheNextWithoutMovingTheCounter() throws Exception {
        steer(b, "/rr", "drain");
        steer(c, "/rr", "maint");
        assertThat(pier.get("/rr/x").getContentAsString()).isEqualTo("a");

        String explained = explain("/rr/users/7");

        assertThat(explained).startsWith("{\"path\":\"/rr/users/7\",\"route\":{\"prefix\":\"/rr\","
                + "\"policy\":\"round-robin\",\"backendPath\":\"/users/7\",\"whenAllDown\":\"fail\"},\"backends\":[");
        assertThat(explained).contains("{\"url\":\"" + a.url() + "\",\"health\":\"UP\",\"adminState\":\"ready\","
                + "\"weight\":1,\"inFlight\":0,\"eligible\":true,\"pinnedClientsOnly\":false,\"why\":[]}");
        assertThat(explained).contains("{\"url\":\"" + b.url() + "\",\"health\":\"UP\",\"adminState\":\"drain\","
                + "\"weight\":1,\"inFlight\":0,\"eligible\":false,\"pinnedClientsOnly\":false,\"why\":[\"drain: no new "
                + "requests (POST /_pier/backends/state from 127.0.0.1)\"]}");
        assertThat(explained).contains("\"adminState\":\"maint\"", "\"why\":[\"maint: no traffic at all (POST "
                + "/_pier/backends/state from 127.0.0.1)\"]");
        assertThat(explained).contains("{\"url\":\"" + down.url() + "\",\"health\":\"DOWN\"",
                "\"why\":[\"health DOWN: first probe: HTTP 503 from /health\"]");
        assertThat(explained).endsWith("\"next\":\"" + a.url() + "\",\"exact\":true,\"answer\":\"proxied to "
                + a.url() + "/users/7\"}\n");

        // Every backend ready and up: explaining many times moves nothing, and the requests follow.
        steer(b, "/rr", "ready");
        steer(c, "/rr", "ready");
        int before = sent();
        List<String> explained3 = new ArrayList<>();
        List<String> served3 = new ArrayList<>();
        for (int i = 0; i < 3; i++) {
            String first = next(explain("/rr/x"));
            for (int j = 0; j < 5; j++) {
                assertThat(next(explain("/rr/x"))).isEqualTo(first);
            }
            explained3.add(first);
            served3.add(pier.get("/rr/x").getContentAsString());
        }
        assertThat(served3).isEqualTo(explained3).containsExactlyInAnyOrder("a", "b", "c");
        assertThat(sent()).isEqualTo(before + 3);
    }

    @Test
    void leastConnectionsNamesTheLeastLoaded() throws Exception {
        CompletableFuture<Result> slow = new CompletableFuture<>();
        pier.request("/least/slow").headers(h -> h.put("X-Test-Delay", "2000")).send(slow::complete);
        await().atMost(Duration.ofSeconds(10)).until(() -> sent() == 1);
        String busy = a.requests() == 1 ? "a" : b.requests() == 1 ? "b" : "c";

        String explained = explain("/least/x");
        String next = next(explained);

        assertThat(next).isNotEqualTo(busy);
        assertThat(explained).contains("\"policy\":\"least-connections\"", "\"inFlight\":1", "\"exact\":true");
        assertThat(pier.get("/least/x").getContentAsString()).isEqualTo(next);
        assertThat(slow.get(20, TimeUnit.SECONDS).isSucceeded()).isTrue();
    }

    @Test
    void randomTwoChoicesNamesTheBackendThatWinsEveryDrawAndSaysItIsNotCertain() throws Exception {
        List<CompletableFuture<Result>> slow = new ArrayList<>();
        for (int i = 0; i < 2; i++) {
            CompletableFuture<Result> done = new CompletableFuture<>();
            pier.request("/least/slow").headers(h -> h.put("X-Test-Delay", "2000")).send(done::complete);
            slow.add(done);
            int count = i + 1;
            await().atMost(Duration.ofSeconds(10)).until(() -> sent() == count);
        }
        steer(a, "/random", "maint");

        String explained = explain("/random/x");

        assertThat(explained).contains("\"policy\":\"random-two-choices\"", "\"exact\":false",
                "(or another: random two choices draws two backends at random");
        assertThat(next(explained)).isIn("b", "c").isNotEqualTo("a");
        for (CompletableFuture<Result> done : slow) {
            assertThat(done.get(20, TimeUnit.SECONDS).isSucceeded()).isTrue();
        }
    }

    @Test
    void consistentHashNamesTheOwnerOfTheKeyTheExplainRequestCarries() throws Exception {
        for (String user : List.of("alice", "bob", "carol", "dave", "erin")) {
            String next = next(explain(pier.request("/_pier/explain?path=/hash/x").headers(h -> h.put("X-User", user))));
            assertThat(pier.request("/hash/x").headers(h -> h.put("X-User", user)).send().getContentAsString())
                    .as(user).isEqualTo(next);
        }
    }

    @Test
    void stickyCookieNamesThePinnedBackendEvenWhileItDrains() throws Exception {
        ContentResponse first = pier.get("/sticky/x");
        String pinnedTo = first.getContentAsString();
        String setCookie = first.getHeaders().get("Set-Cookie");
        String cookie = setCookie.substring(0, setCookie.indexOf(';'));
        TestBackend pinned = Stream.of(a, b, c).filter(x -> x.name().equals(pinnedTo)).findFirst().orElseThrow();
        steer(pinned, "/sticky", "drain");

        String explained = explain(pier.request("/_pier/explain?path=/sticky/x").headers(h -> h.put("Cookie", cookie)));

        assertThat(next(explained)).isEqualTo(pinnedTo);
        assertThat(explained).contains("\"adminState\":\"drain\",\"weight\":1,\"inFlight\":0,\"eligible\":false,"
                + "\"pinnedClientsOnly\":true,\"why\":[\"drain: no new requests; sticky-cookie clients pinned to it "
                + "still reach it");
        assertThat(pier.request("/sticky/x").headers(h -> h.put("Cookie", cookie)).send().getContentAsString())
                .isEqualTo(pinnedTo);
        // Without the cookie (which the test client has stored too): another, which the next request gets.
        pier.client().getHttpCookieStore().clear();
        String other = next(explain("/sticky/x"));
        assertThat(other).isNotEqualTo(pinnedTo);
        assertThat(pier.get("/sticky/x").getContentAsString()).isEqualTo(other);
    }

    @Test
    void aPathWithNoEligibleBackendOrNoRouteIsExplainedToo() throws Exception {
        steer(a, "/maint", "maint");

        assertThat(explain("/maint/x")).endsWith("\"next\":null,\"exact\":true,\"answer\":\"503: no eligible backend\"}\n");
        assertThat(explain("/nowhere")).isEqualTo("{\"path\":\"/nowhere\",\"route\":null,\"backends\":[],\"next\":null,"
                + "\"answer\":\"404: no route matches this path\"}\n");
        ContentResponse bad = pier.get("/_pier/explain?path=/rr/../../etc");
        assertThat(bad.getStatus()).isEqualTo(400);
        assertThat(bad.getContentAsString()).isEqualTo("path: '/rr/../../etc' (expected: a path that starts with / "
                + "and stays below it, as a request's would)\n");
        assertThat(sent()).isZero();
    }
}
