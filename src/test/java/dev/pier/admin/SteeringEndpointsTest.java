package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.FormRequestContent;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.util.Fields;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code POST /_pier/backends/state} and {@code /weight}: their input, their effect, status and reloads. */
class SteeringEndpointsTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final TestBackend a = TestBackend.start("a");
    private final TestBackend b = TestBackend.start("b");
    private final TestBackend c = TestBackend.start("c");
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        Stream.of(a, b, c).forEach(TestBackend::close);
    }

    /** Route / over {@code backends}, route /api over a alone. */
    private String body(String interval, String... backends) {
        return """
                health-check { interval = %s, healthy-threshold = 1, unhealthy-threshold = 1 }
                routes = [
                  { prefix = "/", backends = [%s] }
                  { prefix = "/api", backends = ["%s"] }
                ]
                """.formatted(interval, String.join(", ", backends), a.url());
    }

    private static String url(TestBackend backend) {
        return "\"" + backend.url() + "\"";
    }

    private static String weighted(TestBackend backend, int weight) {
        return "{ url = \"" + backend.url() + "\", weight = " + weight + " }";
    }

    private void start(String interval) {
        pier = PierHarness.start(directory, body(interval, url(a), url(b)));
        pier.awaitReady();
    }

    private ContentResponse post(String pathAndQuery) throws Exception {
        return pier.request(pathAndQuery).method(HttpMethod.POST).send();
    }

    private Backend backend(String prefix, TestBackend which) {
        return pier.route(prefix).pool().backends().stream().filter(x -> x.port() == which.port()).findFirst()
                .orElseThrow();
    }

    private List<String> served(int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(pier.get("/x").getContentAsString());
        }
        return names;
    }

    private static String authority(TestBackend backend) {
        return "127.0.0.1:" + backend.port();
    }

    @Test
    void badInputIsA400SayingWhatIsExpected() throws Exception {
        start("1h");
        assertThat(post("/_pier/backends/state?state=drain")).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(400);
            assertThat(r.getContentAsString()).isEqualTo(
                    "backend: missing (expected: host:port of a configured backend, such as 127.0.0.1:9001)\n");
        });
        assertThat(post("/_pier/backends/state?backend=" + authority(a) + "&state=paused")).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(400);
            assertThat(r.getContentAsString()).isEqualTo("state: 'paused' (expected one of: ready, drain, maint)\n");
        });
        assertThat(post("/_pier/backends/state?backend=" + authority(a))).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(400);
            assertThat(r.getContentAsString()).isEqualTo("state: missing (expected: one of ready, drain, maint)\n");
        });
        assertThat(post("/_pier/backends/state?backend=nowhere&state=drain").getStatus()).isEqualTo(400);
        for (String weight : List.of("0", "257", "-1", "two", "1.5")) {
            ContentResponse r = post("/_pier/backends/weight?backend=" + authority(a) + "&weight=" + weight);
            assertThat(r.getStatus()).as(weight).isEqualTo(400);
            assertThat(r.getContentAsString()).as(weight).startsWith("weight: ").contains("1-256)");
        }
        assertThat(pier.get("/_pier/backends/drain?backend=" + authority(a) + "&wait=forever").getContentAsString())
                .isEqualTo("wait: 'forever' (expected: a duration such as 30s, 500ms or 2m, at most 10m)\n");
        assertThat(pier.get("/_pier/explain").getContentAsString())
                .isEqualTo("path: missing (expected: a request path, such as /api/users/7)\n");
        ContentResponse json = pier.request("/_pier/backends/state").method(HttpMethod.POST)
                .body(new StringRequestContent("application/json", "{\"backend\": [1]}")).send();
        assertThat(json.getStatus()).isEqualTo(400);
        assertThat(json.getContentAsString()).startsWith("JSON body, character 13: nested objects");
        ContentResponse get = pier.get("/_pier/backends/state?backend=" + authority(a) + "&state=drain");
        assertThat(get.getStatus()).isEqualTo(405);
        assertThat(get.getHeaders().get("Allow")).isEqualTo("POST");
        assertThat(backend("/", a).adminState()).isEqualTo(AdminState.READY);
    }

    @Test
    void anUnknownBackendOrRouteIsA404() throws Exception {
        start("1h");
        assertThat(post("/_pier/backends/state?backend=127.0.0.1:1&state=drain")).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(404);
            assertThat(r.getContentAsString()).isEqualTo("backend: 127.0.0.1:1 is not a backend of any route\n");
        });
        assertThat(post("/_pier/backends/state?backend=" + authority(b) + "&route=/api&state=drain")).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(404);
            assertThat(r.getContentAsString()).isEqualTo("backend: " + authority(b) + " is not a backend of route /api\n");
        });
        assertThat(post("/_pier/backends/weight?backend=" + authority(a) + "&route=/nope&weight=2")).satisfies(r -> {
            assertThat(r.getStatus()).isEqualTo(404);
            assertThat(r.getContentAsString()).isEqualTo("route: no route has the prefix '/nope'\n");
        });
        assertThat(pier.get("/_pier/backends/drain?backend=127.0.0.1:1").getStatus()).isEqualTo(404);
    }

    @Test
    void withoutARouteAStateAppliesToEveryRouteHoldingTheBackendAndWithOneOnlyThere() throws Exception {
        start("1h");
        ContentResponse one = post("/_pier/backends/state?backend=" + authority(a) + "&route=/api&state=drain");
        assertThat(one.getStatus()).isEqualTo(200);
        assertThat(one.getContentAsString()).isEqualTo("{\"backend\":\"" + authority(a) + "\",\"state\":\"drain\","
                + "\"routes\":[{\"route\":\"/api\",\"url\":\"" + a.url() + "\",\"before\":\"ready\",\"inFlight\":0}]}\n");
        assertThat(backend("/api", a).adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(backend("/", a).adminState()).isEqualTo(AdminState.READY);

        ContentResponse all = post("/_pier/backends/state?backend=" + a.url() + "&state=maint");
        assertThat(all.getContentAsString()).contains("{\"route\":\"/\",\"url\":\"" + a.url() + "\",\"before\":\"ready\"",
                "{\"route\":\"/api\",\"url\":\"" + a.url() + "\",\"before\":\"drain\"");
        assertThat(backend("/api", a).adminState()).isEqualTo(AdminState.MAINT);
        assertThat(backend("/", a).adminState()).isEqualTo(AdminState.MAINT);
    }

    @Test
    void formAndJsonBodiesAreAcceptedToo() throws Exception {
        start("1h");
        Fields form = new Fields();
        form.put("backend", authority(a));
        form.put("state", "drain");
        assertThat(pier.request("/_pier/backends/state").method(HttpMethod.POST).body(new FormRequestContent(form))
                .send().getStatus()).isEqualTo(200);
        assertThat(backend("/", a).adminState()).isEqualTo(AdminState.DRAIN);

        ContentResponse json = pier.request("/_pier/backends/weight").method(HttpMethod.POST)
                .body(new StringRequestContent("application/json",
                        "{\"backend\": \"" + authority(b) + "\", \"route\": \"/\", \"weight\": 4}")).send();
        assertThat(json.getStatus()).isEqualTo(200);
        assertThat(json.getContentAsString()).isEqualTo("{\"backend\":\"" + authority(b) + "\",\"weight\":4,"
                + "\"routes\":[{\"route\":\"/\",\"url\":\"" + b.url() + "\",\"before\":1,\"configuredWeight\":1}]}\n");
        assertThat(backend("/", b).weight()).isEqualTo(4);
    }

    @Test
    void maintTakesNoTrafficAtAllButIsStillProbedAndShown() throws Exception {
        start("100ms");
        assertThat(post("/_pier/backends/state?backend=" + authority(b) + "&state=maint").getStatus()).isEqualTo(200);
        int served = b.requests();
        int probes = b.probes();

        assertThat(served(10)).containsOnly("a");
        assertThat(b.requests()).isEqualTo(served);
        await().atMost(WAIT).until(() -> b.probes() > probes + 2);
        String status = pier.get("/_pier/status").getContentAsString();
        assertThat(status).contains("\"url\":\"" + b.url() + "\",\"weight\":1,\"inFlight\":0,\"health\":\"UP\"");
        assertThat(status).contains("\"adminState\":\"maint\",\"adminReason\":\"POST /_pier/backends/state from "
                + "127.0.0.1\"");

        assertThat(post("/_pier/backends/state?backend=" + authority(b) + "&state=ready").getStatus()).isEqualTo(200);
        assertThat(served(4)).contains("a", "b");
    }

    @Test
    void aWeightChangeIsFollowedByTheNextRequests() throws Exception {
        start("1h");
        assertThat(post("/_pier/backends/weight?backend=" + authority(a) + "&route=/&weight=3").getStatus())
                .isEqualTo(200);

        List<String> period = served(8);

        assertThat(period).filteredOn("a"::equals).hasSize(6);
        assertThat(period).filteredOn("b"::equals).hasSize(2);
        assertThat(pier.get("/_pier/status").getContentAsString()).contains("\"url\":\"" + a.url()
                + "\",\"weight\":3,").contains("\"configuredWeight\":1,");
    }

    @Test
    void statusShowsTheLastProbesTransitionsAndDrainProgress() throws Exception {
        start("100ms");
        await().atMost(WAIT).until(() -> backend("/", b).recentProbes().size() == 10);
        post("/_pier/backends/state?backend=" + authority(b) + "&route=/&state=drain");

        String status = pier.get("/_pier/status").getContentAsString();

        String bOfSlash = status.substring(status.indexOf("{\"url\":\"" + b.url()));
        bOfSlash = bOfSlash.substring(0, bOfSlash.indexOf("]}") + 2);
        assertThat(bOfSlash).containsPattern("\"adminSince\":\"[0-9T:.Z-]+\",\"drain\":\\{\"inFlight\":0,"
                + "\"drained\":true,\"drainedAt\":\"[0-9T:.Z-]+\"}");
        assertThat(bOfSlash).containsPattern("\"probes\":\\[(\\{\"time\":\"[0-9T:.Z-]+\",\"durationMs\":[0-9]+,"
                + "\"healthy\":true,\"reason\":\"HTTP 200 from /health\"},?){10}]");
        assertThat(bOfSlash).containsPattern("\"transitions\":\\[\\{\"time\":\"[0-9T:.Z-]+\",\"kind\":\"health\","
                + "\"from\":\"UNKNOWN\",\"to\":\"UP\",\"reason\":\"first probe: HTTP 200 from /health\"},"
                + "\\{\"time\":\"[0-9T:.Z-]+\",\"kind\":\"admin\",\"from\":\"ready\",\"to\":\"drain\","
                + "\"reason\":\"POST /_pier/backends/state from 127.0.0.1\"}]");
        // A ready backend shows no drain.
        assertThat(status).contains("\"adminState\":\"ready\",\"adminReason\":\"configured\"")
                .contains("\"drain\":null");
    }

    @Test
    void statesAndWeightsSurviveAReloadUnlessTheFileChangesTheBackendsWeight() throws Exception {
        start("1h");
        post("/_pier/backends/state?backend=" + authority(b) + "&state=drain");
        post("/_pier/backends/weight?backend=" + authority(a) + "&weight=5");

        rewrite(body("1h", url(a), url(b), url(c)));
        assertThat(post("/_pier/reload").getStatus()).isEqualTo(200);

        assertThat(backend("/", b).adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(backend("/api", a).weight()).isEqualTo(5);
        assertThat(backend("/", a).weight()).isEqualTo(5);
        await().atMost(WAIT).until(() -> pier.runtime().ready());
        assertThat(served(12)).containsOnly("a", "c").filteredOn("a"::equals).hasSize(10);

        // The file now says a's weight is 2 on "/": that is a new backend there, ready, with the file's weight.
        rewrite(body("1h", weighted(a, 2), url(b), url(c)));
        assertThat(post("/_pier/reload").getStatus()).isEqualTo(200);
        assertThat(backend("/", a).weight()).isEqualTo(2);
        assertThat(backend("/api", a).weight()).isEqualTo(5);
        assertThat(backend("/", b).adminState()).isEqualTo(AdminState.DRAIN);
    }

    private void rewrite(String body) throws Exception {
        Path next = directory.resolve("pier.conf.next");
        Files.writeString(next, "pier {\n" + body + "\n}\n");
        Files.move(next, pier.configFile(), StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
