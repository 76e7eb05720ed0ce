package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Random;
import org.eclipse.jetty.client.BytesRequestContent;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** What reaches the backend: method, path, query, body and headers, minus hop-by-hop, plus X-Forwarded-*. */
class ForwardingTest {

    @TempDir
    Path dir;

    TestBackend backend;
    TestBackend elsewhere;
    PierHarness pier;

    @BeforeEach
    void start() {
        backend = TestBackend.start("backend");
        elsewhere = TestBackend.start("elsewhere");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(backend.url()));
    }

    @AfterEach
    void stop() {
        pier.close();
        backend.close();
        elsewhere.close();
    }

    /** The backend's /echo answer as a map; headers are "header.name". */
    private static Map<String, String> echo(String body) {
        Map<String, String> map = new LinkedHashMap<>();
        for (String line : body.split("\n")) {
            int eq = line.indexOf('=');
            map.merge(line.substring(0, eq), line.substring(eq + 1), (x, y) -> x + " | " + y);
        }
        return map;
    }

    @Test
    void fiveMebibyteBodyAndOddQueryArriveIntact() throws Exception {
        byte[] body = new byte[5 * 1024 * 1024];
        new Random(42).nextBytes(body);
        String query = "a=1&a=2&b=%20x%2By&c&=d&e=%E2%9C%93&f=a/b?c";
        ContentResponse response = pier.request("/echo/upload?" + query)
                .method(HttpMethod.PUT)
                .body(new BytesRequestContent("application/octet-stream", body))
                .send();
        assertThat(response.getStatus()).isEqualTo(200);
        Map<String, String> seen = echo(response.getContentAsString());
        assertThat(seen.get("method")).isEqualTo("PUT");
        assertThat(seen.get("target")).isEqualTo("/echo/upload?" + query);
        assertThat(seen.get("length")).isEqualTo(Integer.toString(body.length));
        assertThat(seen.get("sha256"))
                .isEqualTo(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(body)));
    }

    @Test
    void encodedPathIsForwardedAsSent() {
        ContentResponse response = pier.get("/echo/a%20b/c%2Bd");
        assertThat(echo(response.getContentAsString()).get("target")).isEqualTo("/echo/a%20b/c%2Bd");
    }

    @Test
    void forwardedHeadersAreAddedAndHopByHopHeadersRemoved() {
        String answer = pier.raw("""
                GET /echo/h HTTP/1.1\r
                Host: shop.example:8443\r
                X-Forwarded-For: 203.0.113.9\r
                X-Custom: kept\r
                X-Secret-Hop: dropped\r
                Keep-Alive: timeout=5\r
                Proxy-Authorization: Basic Zm9vOmJhcg==\r
                TE: trailers\r
                Trailer: X-Checksum\r
                Connection: close, X-Secret-Hop\r
                \r
                """);
        assertThat(answer).startsWith("HTTP/1.1 200");
        Map<String, String> seen = echo(answer.substring(answer.indexOf("\r\n\r\n") + 4));
        // 127.0.0.1 is no trusted proxy: what it claims in X-Forwarded-For is replaced by its own address.
        assertThat(seen.get("header.x-forwarded-for")).isEqualTo("127.0.0.1");
        assertThat(seen.get("header.x-forwarded-proto")).isEqualTo("http");
        assertThat(seen.get("header.x-forwarded-host")).isEqualTo("shop.example:8443");
        assertThat(seen.get("header.forwarded")).contains("for=\"127.0.0.1\"").contains("proto=http");
        assertThat(seen.get("header.x-custom")).isEqualTo("kept");
        assertThat(seen.get("header.host")).isEqualTo("127.0.0.1:" + backend.port());
        assertThat(seen).doesNotContainKeys("header.x-secret-hop", "header.keep-alive", "header.proxy-authorization",
                "header.te", "header.trailer");
        assertThat(seen.get("header.connection")).isNotEqualTo("close, X-Secret-Hop");
    }

    @Test
    void responseHopByHopHeadersAreNotPassedToTheClient() {
        ContentResponse response = pier.get("/plain");
        assertThat(response.getHeaders().get("X-Backend")).isEqualTo("backend");
        assertThat(response.getHeaders().contains("Keep-Alive")).isFalse();
    }

    @Test
    void repeatedResponseHeadersStayRepeatedAndConnectionNamedOnesAreDropped() {
        ContentResponse response = pier.get("/headers");
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getHeaders().getValuesList("Set-Cookie")).containsExactly("a=1", "b=2");
        assertThat(response.getHeaders().getValuesList("X-Multi")).containsExactly("one", "two");
        assertThat(response.getHeaders().contains("X-Hop")).as(response.getHeaders().toString()).isFalse();
        assertThat(response.getHeaders().get("X-Backend")).isEqualTo("backend");
    }

    @Test
    void absoluteFormRequestIsRoutedByItsPathAndNeverReachesTheNamedHost() {
        String answer = pier.raw("GET " + elsewhere.url() + "/steal?x=1 HTTP/1.1\r\nHost: "
                + elsewhere.url().substring(7) + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200");
        assertThat(answer).contains("X-Backend: backend");
        assertThat(elsewhere.requests()).isZero();
        assertThat(backend.paths()).containsExactly("/steal?x=1");
    }

    @Test
    void connectRequestsAreRefused() {
        String answer = pier.raw("CONNECT " + elsewhere.url().substring(7) + " HTTP/1.1\r\nHost: "
                + elsewhere.url().substring(7) + "\r\nConnection: close\r\n\r\n");
        assertThat(answer).matches("(?s)HTTP/1.1 (400|405).*");
        assertThat(elsewhere.requests()).isZero();
    }
}
