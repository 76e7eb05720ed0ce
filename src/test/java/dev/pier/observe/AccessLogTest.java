package dev.pier.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.LogCapture;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The access log of a real Pier in front of real backends: one line per request, whatever became of it. */
class AccessLogTest {

    private static final String TRACE_ID = "4bf92f3577b34da6a3ce929d0e0e4736";
    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path dir;

    private final List<AutoCloseable> closing = new ArrayList<>();
    private LogCapture access;
    private PierHarness pier;

    @BeforeEach
    void capture() {
        access = LogCapture.of("pier.access");
    }

    @AfterEach
    void stop() throws Exception {
        if (pier != null) {
            pier.close();
        }
        for (AutoCloseable c : closing) {
            c.close();
        }
        access.close();
    }

    private TestBackend backend(String name) {
        TestBackend backend = TestBackend.start(name);
        closing.add(backend);
        return backend;
    }

    private void start(String body) {
        pier = PierHarness.start(dir, "health-check { kind = tcp, interval = 1h }\n" + body);
        pier.awaitReady();
    }

    /** The fields of the one access line whose request id is {@code id}, once it is written. */
    private Map<String, String> lineOf(String id) {
        await().atMost(WAIT).until(() -> access.messages().stream().anyMatch(line -> line.contains(" id=" + id + " ")));
        List<Map<String, String>> lines = access.messages().stream().map(Logfmt::parse)
                .filter(fields -> id.equals(fields.get("id"))).toList();
        assertThat(lines).as("lines of request %s", id).hasSize(1);
        return lines.get(0);
    }

    private ContentResponse get(String pathAndQuery, String id) throws Exception {
        return pier.request(pathAndQuery).headers(h -> h.put("X-Request-Id", id)).send();
    }

    @Test
    void aProxiedRequestIsOneLineWithItsRouteBackendStatusBytesTimesAndTraceId() throws Exception {
        TestBackend a = backend("a");
        start("routes = [ { prefix = \"/api\", backends = [\"" + a.url() + "\"] } ]");

        ContentResponse response = pier.request("/api/x?token=secret").headers(h -> h
                .put("X-Request-Id", "proxied-1")
                .put("traceparent", "00-" + TRACE_ID + "-00f067aa0ba902b7-01")).send();

        Map<String, String> line = lineOf("proxied-1");
        assertThat(line.keySet()).containsExactly("time", "id", "client", "method", "path", "status", "route",
                "backend", "upstream_status", "attempts", "tried", "bytes_in", "bytes_out", "ms", "upstream_ms",
                "pier_ms", "flag", "trace");
        assertThat(line).containsEntry("client", "127.0.0.1").containsEntry("method", "GET")
                .containsEntry("path", "/api/x").containsEntry("status", "200").containsEntry("route", "/api")
                .containsEntry("backend", "127.0.0.1:" + a.port()).containsEntry("upstream_status", "200")
                .containsEntry("attempts", "1").containsEntry("tried", "-").containsEntry("bytes_in", "0")
                .containsEntry("bytes_out", Integer.toString(response.getContent().length))
                .containsEntry("flag", "-").containsEntry("trace", TRACE_ID);
        assertThat(line.get("time")).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
        double total = Double.parseDouble(line.get("ms"));
        double upstream = Double.parseDouble(line.get("upstream_ms"));
        double own = Double.parseDouble(line.get("pier_ms"));
        assertThat(upstream).isPositive().isLessThanOrEqualTo(total);
        assertThat(own).isPositive().isLessThanOrEqualTo(total);
        assertThat(String.join("\n", access.messages())).doesNotContain("secret");
    }

    @Test
    void aRetriedRequestNamesTheBackendThatRefusedIt() throws Exception {
        TestBackend gone = TestBackend.start("gone");
        TestBackend a = backend("a");
        start("routes = [ { prefix = \"/\", backends = [\"" + gone.url() + "\", \"" + a.url() + "\"] } ]");
        gone.close();

        for (int i = 0; i < 2; i++) {
            assertThat(get("/x", "retried-" + i).getStatus()).isEqualTo(200);
        }

        // Round robin sends one of the two to the refusing backend first.
        List<Map<String, String>> lines = List.of(lineOf("retried-0"), lineOf("retried-1"));
        assertThat(lines).allSatisfy(line -> assertThat(line).containsEntry("backend", "127.0.0.1:" + a.port())
                .containsEntry("status", "200").containsEntry("flag", "-"));
        assertThat(lines).anySatisfy(line -> assertThat(line).containsEntry("attempts", "2")
                .containsEntry("tried", "127.0.0.1:" + gone.port()));
    }

    @Test
    void refusedRequestsNameTheirReasonAndNoBackend() throws Exception {
        TestBackend a = backend("a");
        start("""
                rate-limits { one { key = route, rate = 1, period = 60s } }
                routes = [ { prefix = "/api", rate-limit = ["one"], backends = ["%s"] } ]
                """.formatted(a.url()));

        assertThat(get("/api/x", "allowed").getStatus()).isEqualTo(200);
        assertThat(get("/api/x", "limited").getStatus()).isEqualTo(429);
        assertThat(get("/elsewhere", "unrouted").getStatus()).isEqualTo(404);

        assertThat(lineOf("limited")).containsEntry("status", "429").containsEntry("route", "/api")
                .containsEntry("backend", "-").containsEntry("upstream_status", "-").containsEntry("attempts", "0")
                .containsEntry("upstream_ms", "-").containsEntry("flag", "RL");
        Map<String, String> unrouted = lineOf("unrouted");
        assertThat(unrouted).containsEntry("status", "404").containsEntry("route", "-").containsEntry("backend", "-")
                .containsEntry("flag", "NR");
        assertThat(unrouted.get("pier_ms")).isEqualTo(unrouted.get("ms"));
        assertThat(lineOf("allowed")).containsEntry("flag", "-");
    }

    @Test
    void aTimedOutRequestIs504FromPierWithTheBackendItWaitedFor() throws Exception {
        TestBackend slow = backend("slow");
        start("routes = [ { prefix = \"/\", backends = [\"" + slow.url() + "\"], proxy { request-timeout = 300ms } } ]");

        ContentResponse response = pier.request("/slow").headers(h -> h.put("X-Request-Id", "late")
                .put("X-Test-Delay", "3000")).send();

        assertThat(response.getStatus()).isEqualTo(504);
        Map<String, String> line = lineOf("late");
        assertThat(line).containsEntry("status", "504").containsEntry("backend", "127.0.0.1:" + slow.port())
                .containsEntry("upstream_status", "-").containsEntry("upstream_ms", "-").containsEntry("attempts", "1")
                .containsEntry("flag", "UT");
        assertThat(Double.parseDouble(line.get("ms"))).isGreaterThanOrEqualTo(300);
    }

    @Test
    void aClientThatClosesMidDownloadIsLoggedOnceAsGone() throws Exception {
        TestBackend big = backend("big");
        start("routes = [ { prefix = \"/\", backends = [\"" + big.url() + "\"] } ]");
        int size = 64 * 1024 * 1024;

        try (Socket socket = new Socket("127.0.0.1", pier.port())) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(("GET /big/" + size + " HTTP/1.1\r\nHost: pier\r\nX-Request-Id: aborted\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[64 * 1024];
            int read = 0;
            while (read < 256 * 1024) {
                read += in.read(buffer);
            }
            // Reset rather than close: nothing more is read, and Pier's next write fails.
            socket.setSoLinger(true, 0);
        }

        Map<String, String> line = lineOf("aborted");
        assertThat(line).containsEntry("status", "200").containsEntry("upstream_status", "200")
                .containsEntry("backend", "127.0.0.1:" + big.port()).containsEntry("flag", "DC");
        assertThat(Long.parseLong(line.get("bytes_out"))).isPositive().isLessThan(size);
    }

    @Test
    void anUploadCountsItsBytesIn() throws Exception {
        TestBackend a = backend("a");
        start("routes = [ { prefix = \"/\", backends = [\"" + a.url() + "\"] } ]");

        ContentResponse response = pier.request("/echo").method("POST").headers(h -> h.put("X-Request-Id", "upload"))
                .body(new org.eclipse.jetty.client.StringRequestContent("0123456789")).send();

        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(lineOf("upload")).containsEntry("method", "POST").containsEntry("bytes_in", "10");
    }

    @Test
    void jsonFormatWithTheQueryAndOffAsConfigured() throws Exception {
        TestBackend a = backend("a");
        start("""
                access-log { format = json, include-query = true }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(a.url()));

        get("/x?q=1", "as-json");

        await().atMost(WAIT).until(() -> access.messages().stream().anyMatch(line -> line.contains("\"as-json\"")));
        assertThat(access.messages()).filteredOn(line -> line.contains("\"as-json\"")).singleElement().asString()
                .startsWith("{\"time\":\"").endsWith("}").contains("\"id\":\"as-json\"", "\"path\":\"/x?q=1\"",
                        "\"status\":200", "\"tried\":[]", "\"flag\":null", "\"trace\":null");

        java.nio.file.Files.writeString(pier.configFile(), """
                pier {
                  health-check { kind = tcp, interval = 1h }
                  access-log { enabled = false }
                  routes = [ { prefix = "/", backends = ["%s"] } ]
                }
                """.formatted(a.url()));
        assertThat(pier.runtime().reload().applied()).isTrue();
        get("/x", "silent");
        get("/x", "silent-2");
        assertThat(access.messages()).noneMatch(line -> line.contains("silent"));
    }
}
