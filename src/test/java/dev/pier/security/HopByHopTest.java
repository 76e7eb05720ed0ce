package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.security.RecordingBackend.Received;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Hop-by-hop headers both ways (RFC 9110, 7.6.1): what a {@code Connection} header names belongs to one hop and
 * goes no further, and naming one of Pier's own headers there never lets a client's forged value through.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HopByHopTest {

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("backend").config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"] } ]
            """);

    /** Sends {@code headers} on {@code GET target} and returns Pier's response and the request the backend saw. */
    private Seen exchange(String target, String headers) {
        RawResponse response;
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send("GET " + target + " HTTP/1.1\r\nHost: pier.example\r\n" + headers + "\r\n");
            response = client.readResponse();
        }
        assertThat(response).as("Pier's response").isNotNull();
        List<Received> received = fixture.backend().requests();
        assertThat(received).as("requests at the backend").extracting(Received::target).containsExactly(target);
        return new Seen(response, received.get(0));
    }

    private record Seen(RawResponse response, Received request) {
    }

    @Test
    void aHeaderTheClientNamesInConnectionIsNotForwarded() {
        Seen seen = exchange("/named", "Connection: close, X-Secret\r\nX-Secret: s3cret\r\nX-Kept: yes\r\n");

        assertThat(seen.response().status()).isEqualTo(200);
        assertThat(seen.request().headers("X-Secret")).isEmpty();
        assertThat(seen.request().head).doesNotContain("s3cret");
        assertThat(seen.request().headers("Connection")).noneMatch(v -> v.toLowerCase(Locale.ROOT).contains("x-secret"));
        assertThat(seen.request().headers("X-Kept")).containsExactly("yes");
    }

    @Test
    void headersNamedInSeveralConnectionHeadersAreAllDropped() {
        Seen seen = exchange("/named", "Connection: X-One\r\nConnection: x-two\r\nX-One: 1\r\nX-Two: 2\r\n");

        assertThat(seen.request().headers("X-One")).isEmpty();
        assertThat(seen.request().headers("X-Two")).isEmpty();
    }

    @Test
    void aHeaderTheBackendNamesInConnectionIsNotPassedToTheClient() {
        fixture.backend().extraHeaders("Connection: X-B", "X-B: backend-secret", "Connection: x-c", "X-C: also-secret",
                "Keep-Alive: timeout=5", "X-Visible: yes");
        Seen seen = exchange("/response", "");

        assertThat(seen.response().status()).isEqualTo(200);
        assertThat(seen.response().headers("X-B")).isEmpty();
        assertThat(seen.response().headers("X-C")).isEmpty();
        assertThat(seen.response().headers("Keep-Alive")).isEmpty();
        assertThat(seen.response().head()).doesNotContain("backend-secret").doesNotContain("also-secret");
        assertThat(seen.response().headers("X-Visible")).containsExactly("yes");
        assertThat(seen.response().bodyText()).isEqualTo("backend GET /response");
    }

    @Test
    void aForgedForwardedForNamedInConnectionNeverReachesTheBackend() {
        Seen seen = exchange("/xff", "Connection: X-Forwarded-For\r\nX-Forwarded-For: 6.6.6.6\r\n");

        assertThat(seen.response().status()).isEqualTo(200);
        assertThat(seen.request().head).doesNotContain("6.6.6.6");
        assertThat(seen.request().headers("X-Forwarded-For")).containsExactly("127.0.0.1");
    }

    @Test
    void aForgedForwardedNamedInConnectionNeverReachesTheBackend() {
        Seen seen = exchange("/forwarded", "Connection: Forwarded\r\nForwarded: for=6.6.6.6;proto=https\r\n");

        assertThat(seen.response().status()).isEqualTo(200);
        assertThat(seen.request().head).doesNotContain("6.6.6.6");
        assertThat(seen.request().headers("Forwarded")).hasSize(1)
                .allSatisfy(value -> assertThat(value).contains("for=\"127.0.0.1\"").doesNotContain("https"));
    }

    @Test
    void anH2cUpgradeIsNotPassedOnSoNoTunnelOpens() {
        Seen seen = exchange("/upgrade", "Connection: Upgrade, HTTP2-Settings\r\nUpgrade: h2c\r\n"
                + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n");

        assertThat(seen.response().status()).isEqualTo(200);
        assertThat(seen.request().headers("Upgrade")).isEmpty();
        assertThat(seen.request().headers("HTTP2-Settings")).isEmpty();
        assertThat(seen.request().head).doesNotContainIgnoringCase("h2c");
    }

    @Test
    void aWebSocketUpgradeIsPiersOwnHandshakeAndABackendThatDoesNotSwitchGetsNoTunnel() {
        Seen seen = exchange("/ws", "Connection: Upgrade\r\nUpgrade: websocket\r\nSec-WebSocket-Version: 13\r\n"
                + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\n");

        // The backend answered 200, not 101: the client gets 502, never a tunnel (dev.pier.websocket relays it).
        assertThat(seen.response().status()).isEqualTo(502);
        assertThat(seen.request().headers("Sec-WebSocket-Key")).hasSize(1)
                .noneMatch(key -> key.equals("dGhlIHNhbXBsZSBub25jZQ=="));
    }
}
