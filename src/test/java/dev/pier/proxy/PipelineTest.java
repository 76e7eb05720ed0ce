package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.io.IOException;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** The pipeline through the proxy: client addresses, request ids, header rules and access rules. */
@Timeout(60)
class PipelineTest {

    @TempDir
    Path dir;
    private TestBackend backend;
    private PierHarness pier;

    @BeforeEach
    void start() {
        backend = TestBackend.start("a");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                client-address { trusted-proxies = ["127.0.0.2"] }
                routes = [
                  { prefix = "/", backends = ["%1$s"],
                    request-headers { set { "X-Env" = "prod" }, remove = ["X-Debug"] },
                    response-headers { set { "X-Frame-Options" = "DENY" }, remove = ["X-Backend"] } }
                  { prefix = "/private", deny = ["203.0.113.0/24"], backends = ["%1$s"] }
                  { prefix = "/down", backends = ["http://127.0.0.1:1"] }
                ]
                """.formatted(backend.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        backend.close();
    }

    /** Sends {@code raw} from {@code from} and returns Pier's whole answer. */
    private String send(String from, String raw) throws IOException {
        try (Socket socket = new Socket(InetAddress.getByName("127.0.0.1"), pier.port(), InetAddress.getByName(from), 0)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            return new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
        }
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerNeverReachesTheBackend() throws IOException {
        String answer = send("127.0.0.1", "GET /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6\r\n"
                + "Forwarded: for=6.6.6.6\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 200").contains("header.x-forwarded-for=127.0.0.1\n")
                .doesNotContain("6.6.6.6");
    }

    @Test
    void aTrustedProxysChainIsWalkedAndKept() throws IOException {
        String answer = send("127.0.0.2", "GET /echo HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 6.6.6.6, 203.0.113.7\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(answer).contains("header.x-forwarded-for=6.6.6.6, 203.0.113.7, 127.0.0.2\n");
        // The walked address, not the peer, is what access rules judge: 203.0.113.7 is denied on /private.
        String denied = send("127.0.0.2", "GET /private/x HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(denied).startsWith("HTTP/1.1 403");
        assertThat(backend.paths()).doesNotContain("/private/x");
        String spoofed = send("127.0.0.1", "GET /private/y HTTP/1.1\r\nHost: x\r\nX-Forwarded-For: 203.0.113.7\r\n"
                + "Connection: close\r\n\r\n");
        assertThat(spoofed).startsWith("HTTP/1.1 200");
    }

    @Test
    void aRequestIdGoesToTheBackendAndBackToTheClient() throws IOException {
        String kept = send("127.0.0.1", "GET /echo HTTP/1.1\r\nHost: x\r\nX-Request-Id: abc-123\r\nConnection: close\r\n\r\n");
        assertThat(kept).contains("X-Request-Id: abc-123\r\n").contains("header.x-request-id=abc-123\n");
        String replaced = send("127.0.0.1", "GET /echo HTTP/1.1\r\nHost: x\r\nX-Request-Id: bad id!\r\nConnection: close\r\n\r\n");
        assertThat(replaced).containsPattern("X-Request-Id: [0-9a-f]{32}\r\n").doesNotContain("bad id!");
    }

    @Test
    void piersOwnAnswersNameTheRequestId() throws IOException {
        String down = send("127.0.0.1", "GET /down HTTP/1.1\r\nHost: x\r\nX-Request-Id: r-503\r\nConnection: close\r\n\r\n");
        assertThat(down).startsWith("HTTP/1.1 503").contains("X-Request-Id: r-503\r\n").contains("Request id: r-503");
    }

    @Test
    void headerRulesEditBothLegs() throws IOException {
        String answer = send("127.0.0.1", "GET /echo HTTP/1.1\r\nHost: x\r\nX-Debug: 1\r\nX-Env: dev\r\nConnection: close\r\n\r\n");
        assertThat(answer).contains("header.x-env=prod\n").doesNotContain("header.x-debug")
                .contains("X-Frame-Options: DENY\r\n").doesNotContain("X-Backend:");
    }
}
