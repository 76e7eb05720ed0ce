package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Oversized request heads are refused before any backend hears of them: a huge URI with 414, a huge header or
 * too many headers with 431 (at most {@code pier.server.limits.max-header-count}, 100 by default), and the
 * connection is closed.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OversizeTest {

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("backend").config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"] } ]
            """);

    /** Sends {@code request} with a pipelined request behind it: refused with {@code status}, closed, unheard. */
    private void assertRefused(String request, int status) {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.trySend(request + "GET /behind HTTP/1.1\r\nHost: pier\r\n\r\n");
            RawResponse response = client.readResponse(Duration.ofSeconds(10), false);
            assertThat(response).as("Pier's answer").isNotNull();
            assertThat(response.status()).as("Pier's answer: %s", response).isEqualTo(status);
            assertThat(client.awaitClosed(Duration.ofSeconds(10))).as("connection closed after the refusal").isTrue();
            assertThat(fixture.backend().requests()).as("requests at the backend").isEmpty();
        }
    }

    private static String headers(int count) {
        StringBuilder lines = new StringBuilder();
        for (int i = 0; i < count; i++) {
            lines.append("X-H-").append(i).append(": v\r\n");
        }
        return lines.toString();
    }

    @Test
    void aHugeUriIsRefusedWith414() {
        assertRefused("GET /" + "a".repeat(20_000) + " HTTP/1.1\r\nHost: pier\r\n\r\n", 414);
    }

    @Test
    void aHugeQueryIsRefusedWith414() {
        assertRefused("GET /q?" + "a=1&".repeat(5_000) + " HTTP/1.1\r\nHost: pier\r\n\r\n", 414);
    }

    @Test
    void aHugeHeaderIsRefusedWith431() {
        assertRefused("GET / HTTP/1.1\r\nHost: pier\r\nX-Big: " + "b".repeat(20_000) + "\r\n\r\n", 431);
    }

    @Test
    void manySmallHeadersAddingUpPastTheHeadLimitAreRefusedWith431() {
        assertRefused("GET / HTTP/1.1\r\nHost: pier\r\n" + headers(900) + "\r\n", 431);
    }

    @Test
    void aHundredAndOneHeadersAreRefusedWith431() {
        // Host is one of them.
        assertRefused("GET / HTTP/1.1\r\nHost: pier\r\n" + headers(100) + "\r\n", 431);
    }

    @Test
    void aHundredHeadersAreServed() {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send("GET /hundred HTTP/1.1\r\nHost: pier\r\n" + headers(99) + "\r\n");
            RawResponse response = client.readResponse();
            assertThat(response).isNotNull();
            assertThat(response.status()).isEqualTo(200);
        }
        assertThat(fixture.backend().requests()).hasSize(1);
        assertThat(fixture.backend().requests().get(0).headers("X-H-98")).containsExactly("v");
    }
}
