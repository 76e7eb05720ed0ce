package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Request limits: a route's {@code max-body-size} (1 KiB here) refuses a larger declared body with 413 before any
 * backend is contacted, and cuts a chunked body that grows past it (413, the backend exchange aborted);
 * {@code pier.server.limits.max-header-count} (10 here) refuses more header fields with 431.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class LimitsTest {

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("backend").config("""
            server { limits { max-header-count = 10 } }
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"], max-body-size = 1KiB } ]
            """);

    private static String post(String headers, String body) {
        return "POST /upload HTTP/1.1\r\nHost: pier\r\nContent-Type: application/octet-stream\r\n" + headers + "\r\n"
                + body;
    }

    private static String chunks(int count, int size) {
        StringBuilder body = new StringBuilder();
        for (int i = 0; i < count; i++) {
            body.append(Integer.toHexString(size)).append("\r\n").append("c".repeat(size)).append("\r\n");
        }
        return body.append("0\r\n\r\n").toString();
    }

    private RawResponse send(String request) {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.trySend(request);
            RawResponse response = client.readResponse();
            assertThat(response).as("Pier's answer").isNotNull();
            return response;
        }
    }

    @Test
    void aDeclaredBodyPastMaxBodySizeGets413WithoutContactingTheBackend() {
        RawResponse response = send(post("Content-Length: 2000\r\n", "d".repeat(2000)));

        assertThat(response.status()).isEqualTo(413);
        assertThat(fixture.backend().requests()).isEmpty();
        assertThat(fixture.backend().anyConnectionCarried("POST")).isFalse();
    }

    @Test
    void aDeclaredBodyPastMaxBodySizeWithExpectContinueGets413BeforeTheBodyIsSent() {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send(post("Content-Length: 2000\r\nExpect: 100-continue\r\n", ""));
            RawResponse response = client.readResponse();
            assertThat(response).isNotNull();
            assertThat(response.status()).isEqualTo(413);
        }
        assertThat(fixture.backend().anyConnectionCarried("POST")).isFalse();
    }

    @Test
    void aBodyOfExactlyMaxBodySizeIsForwarded() {
        RawResponse response = send(post("Content-Length: 1024\r\n", "e".repeat(1024)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(fixture.backend().requests()).hasSize(1);
        assertThat(fixture.backend().requests().get(0).bodyBytes()).isEqualTo(1024);
        assertThat(fixture.backend().requests().get(0).complete()).isTrue();
    }

    @Test
    void aChunkedBodyOfExactlyMaxBodySizeIsForwarded() {
        RawResponse response = send(post("Transfer-Encoding: chunked\r\n", chunks(4, 256)));

        assertThat(response.status()).isEqualTo(200);
        assertThat(fixture.backend().requests().get(0).bodyBytes()).isEqualTo(1024);
    }

    @Test
    void aChunkedBodyGrowingPastMaxBodySizeGets413AndTheBackendExchangeIsAborted() {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.trySend(post("Transfer-Encoding: chunked\r\n", chunks(8, 256)));
            RawResponse response = client.readResponse();
            if (response != null) {
                assertThat(response.status()).as("Pier's answer: %s", response).isEqualTo(413);
            }
            assertThat(client.awaitClosed(Duration.ofSeconds(10))).as("connection closed").isTrue();
        }

        await().atMost(Duration.ofSeconds(10))
                .until(() -> fixture.backend().openConnectionsCarrying("POST /upload") == 0);
        assertThat(fixture.backend().requests()).as("what reached the backend, never whole")
                .allMatch(r -> Boolean.FALSE.equals(r.complete()), "cut short")
                .allMatch(r -> r.bodyBytes() <= 1024, "no more than the limit");
    }

    @Test
    void moreHeaderFieldsThanMaxHeaderCountGet431() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 10; i++) {
            headers.append("X-H-").append(i).append(": v\r\n");
        }

        RawResponse response = send("GET /many HTTP/1.1\r\nHost: pier\r\n" + headers + "\r\n");

        assertThat(response.status()).isEqualTo(431);
        assertThat(fixture.backend().requests()).isEmpty();
    }

    @Test
    void asManyHeaderFieldsAsMaxHeaderCountAreServed() {
        StringBuilder headers = new StringBuilder();
        for (int i = 0; i < 9; i++) {
            headers.append("X-H-").append(i).append(": v\r\n");
        }

        RawResponse response = send("GET /ten HTTP/1.1\r\nHost: pier\r\n" + headers + "\r\n");

        assertThat(response.status()).isEqualTo(200);
    }
}
