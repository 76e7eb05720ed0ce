package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Never an open proxy: however a request names another host (absolute form, Host, CONNECT, user-info tricks), Pier
 * connects only to the route's backend, and the canary's port is never connected to.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class OpenProxyTest {

    /** Per test: stopping after each, it asserts that nothing connected to the canary, whatever the test sent. */
    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("backend").withCanary().config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"] } ]
            """);

    /** The canary's {@code 127.0.0.1:port}. */
    private String canary() {
        return fixture.canary().authority();
    }

    private RawResponse send(String request) {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send(request);
            RawResponse response = client.readResponse();
            assertThat(response).as("Pier's response to %s", Framing.escape(request)).isNotNull();
            return response;
        }
    }

    @Test
    void anAbsoluteFormTargetNamingTheCanaryGoesToTheBackendByItsPath() {
        RawResponse response = send("GET http://" + canary() + "/x?y=1 HTTP/1.1\r\nHost: "
                + canary() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("backend GET /x?y=1");
        assertThat(fixture.backend().requests().get(0).headers("Host"))
                .containsExactly("127.0.0.1:" + fixture.backend().port());
    }

    @Test
    void anHttpsAbsoluteFormTargetNamingTheCanaryGoesToTheBackend() {
        RawResponse response = send("GET https://" + canary() + "/x HTTP/1.1\r\nHost: "
                + canary() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(response.bodyText()).isEqualTo("backend GET /x");
    }

    @Test
    void aHostHeaderNamingTheCanaryChangesNothing() {
        RawResponse response = send("GET /x HTTP/1.1\r\nHost: " + canary()
                + "\r\nX-Forwarded-Host: " + canary() + "\r\nForwarded: host=\"" + canary()
                + "\"\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(200);
        assertThat(fixture.backend().requests().get(0).headers("Host"))
                .containsExactly("127.0.0.1:" + fixture.backend().port());
    }

    @Test
    void connectToTheCanaryIsRefusedAndNothingIsTunnelled() {
        String answer;
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send("CONNECT " + canary() + " HTTP/1.1\r\nHost: " + canary()
                    + "\r\n\r\nGET /through-the-tunnel HTTP/1.1\r\nHost: x\r\n\r\n");
            answer = client.readUntilClose(Duration.ofSeconds(10));
        }

        assertThat(answer).matches("(?s)HTTP/1\\.1 (400|405) .*");
        assertThat(fixture.backend().anyConnectionCarried("CONNECT")).isFalse();
        assertThat(fixture.backend().anyConnectionCarried("/through-the-tunnel")).isFalse();
    }

    @Test
    void anAbsoluteFormTargetWithUserInfoNamingTheCanaryNeverConnectsThere() {
        RawResponse response = send("GET http://user@" + canary() + "/x HTTP/1.1\r\nHost: "
                + canary() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(fixture.backend().requests()).isEmpty();
    }

    @Test
    void aTargetStartingWithAtCannotTurnTheBackendIntoUserInfo() {
        // Pasted after a backend's URL, "@host:port/x" would make that URL user-info and the canary the host.
        RawResponse response = send("GET @" + canary() + "/x HTTP/1.1\r\nHost: "
                + canary() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(fixture.backend().requests()).isEmpty();
    }

    @Test
    void aNetworkPathTargetNamingTheCanaryStaysOnTheBackend() {
        RawResponse response = send("GET //" + canary() + "/x HTTP/1.1\r\nHost: "
                + canary() + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isIn(200, 400, 404);
        if (response.status() == 200) {
            assertThat(fixture.backend().requests().get(0).headers("Host"))
                    .containsExactly("127.0.0.1:" + fixture.backend().port());
        }
    }

    @Test
    void anAuthorityFormTargetOnGetIsRefused() {
        RawResponse response = send("GET " + canary() + " HTTP/1.1\r\nHost: " + canary()
                + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isEqualTo(400);
        assertThat(fixture.backend().requests()).isEmpty();
    }

    @Test
    void anAsteriskTargetIsNeverForwardedAsAnotherHost() {
        RawResponse response = send("OPTIONS * HTTP/1.1\r\nHost: " + canary()
                + "\r\nConnection: close\r\n\r\n");

        assertThat(response.status()).isIn(400, 404);
        assertThat(fixture.backend().requests()).isEmpty();
    }
}
