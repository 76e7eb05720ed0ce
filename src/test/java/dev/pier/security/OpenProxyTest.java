package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Never an open proxy: however a request names another host (absolute form, Host, CONNECT, user-info tricks), Pier
 * connects only to the route's backend, and the canary's port is never connected to.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenProxyTest {

    @TempDir
    Path dir;

    RecordingBackend backend;
    Canary canary;
    PierHarness pier;

    @BeforeEach
    void start() {
        backend = RecordingBackend.start("backend");
        canary = Canary.start();
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(backend.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        backend.close();
        // Every test ends here: whatever it sent, nothing may have connected to the canary.
        assertThat(canary.accepted()).as("connections to the canary").isZero();
        canary.close();
    }

    private RawResponse send(String request) {
        try (RawClient client = RawClient.connect(pier.port())) {
            client.send(request);
            RawResponse response = client.readResponse();
            assertThat(response).as("Pier's response to %s", Framing.escape(request)).isNotNull();
            return response;
        }
    }

    @Test
    void anAbsoluteFormTargetNamingTheCanaryGoesToTheBackendByItsPath() {
        RawResponse response = send("GET http://" + canary.authority() + "/x?y=1 HTTP/1.1\r\nHost: "
                + canary.authority() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("backend GET /x?y=1");
        assertThat(backend.requests().get(0).headers("Host")).containsExactly("127.0.0.1:" + backend.port());
    }

    @Test
    void anHttpsAbsoluteFormTargetNamingTheCanaryGoesToTheBackend() {
        RawResponse response = send("GET https://" + canary.authority() + "/x HTTP/1.1\r\nHost: "
                + canary.authority() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("backend GET /x");
    }

    @Test
    void aHostHeaderNamingTheCanaryChangesNothing() {
        RawResponse response = send("GET /x HTTP/1.1\r\nHost: " + canary.authority()
                + "\r\nX-Forwarded-Host: " + canary.authority() + "\r\nForwarded: host=\"" + canary.authority()
                + "\"\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(backend.requests().get(0).headers("Host")).containsExactly("127.0.0.1:" + backend.port());
    }

    @Test
    void connectToTheCanaryIsRefusedAndNothingIsTunnelled() {
        String answer;
        try (RawClient client = RawClient.connect(pier.port())) {
            client.send("CONNECT " + canary.authority() + " HTTP/1.1\r\nHost: " + canary.authority()
                    + "\r\n\r\nGET /through-the-tunnel HTTP/1.1\r\nHost: x\r\n\r\n");
            answer = client.readUntilClose(Duration.ofSeconds(10));
        }

        assertThat(answer).matches("(?s)HTTP/1\\.1 (400|405) .*");
        assertThat(backend.anyConnectionCarried("CONNECT")).isFalse();
        assertThat(backend.anyConnectionCarried("/through-the-tunnel")).isFalse();
    }

    @Test
    void anAbsoluteFormTargetWithUserInfoNamingTheCanaryNeverConnectsThere() {
        RawResponse response = send("GET http://user@" + canary.authority() + "/x HTTP/1.1\r\nHost: "
                + canary.authority() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void aTargetStartingWithAtCannotTurnTheBackendIntoUserInfo() {
        // Pasted after a backend's URL, "@host:port/x" would make that URL user-info and the canary the host.
        RawResponse response = send("GET @" + canary.authority() + "/x HTTP/1.1\r\nHost: "
                + canary.authority() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void aNetworkPathTargetNamingTheCanaryStaysOnTheBackend() {
        RawResponse response = send("GET //" + canary.authority() + "/x HTTP/1.1\r\nHost: "
                + canary.authority() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isIn(200, 400, 404);
        if (response.status() == 200) {
            assertThat(backend.requests().get(0).headers("Host")).containsExactly("127.0.0.1:" + backend.port());
        }
    }

    @Test
    void anAuthorityFormTargetOnGetIsRefused() {
        RawResponse response = send("GET " + canary.authority() + " HTTP/1.1\r\nHost: " + canary.authority()
                + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(backend.requests()).isEmpty();
    }

    @Test
    void anAsteriskTargetIsNeverForwardedAsAnotherHost() {
        RawResponse response = send("OPTIONS * HTTP/1.1\r\nHost: " + canary.authority()
                + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isIn(400, 404);
        assertThat(backend.requests()).isEmpty();
    }
}
