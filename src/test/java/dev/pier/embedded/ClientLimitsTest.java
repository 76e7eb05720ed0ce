package dev.pier.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** What the embedded server allows a client: a deadline for the head, an idle limit, a header count. */
@Timeout(60)
class ClientLimitsTest {

    @TempDir
    Path dir;
    private TestBackend backend;
    private PierHarness pier;

    @BeforeEach
    void start() {
        backend = TestBackend.start("a");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                server { limits { header-timeout = 1s, body-idle-timeout = 1s, write-idle-timeout = 1s } }
                routes = [ { prefix = "/", proxy { request-timeout = 10s }, backends = ["%s"] } ]
                """.formatted(backend.url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        backend.close();
    }

    @Test
    void aHeadSentALineAtATimeIsCutOffAtTheHeaderTimeout() throws Exception {
        try (Socket socket = new Socket("127.0.0.1", pier.port())) {
            OutputStream out = socket.getOutputStream();
            out.write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.ISO_8859_1));
            long started = System.nanoTime();
            // A header line every 200 ms: Jetty's idle timeout (1 s) never fires, the head deadline must.
            Awaitility.await().atMost(Duration.ofSeconds(10)).pollInterval(Duration.ofMillis(200)).until(() -> {
                try {
                    out.write("X-Slow: 1\r\n".getBytes(StandardCharsets.ISO_8859_1));
                    out.flush();
                    return false;
                } catch (SocketException closed) {
                    return true;
                }
            });
            assertThat(Duration.ofNanos(System.nanoTime() - started)).isGreaterThanOrEqualTo(Duration.ofMillis(900));
        }
        assertThat(pier.get("/").getStatus()).isEqualTo(200);
    }

    @Test
    void aKeptAliveConnectionServesRequestsOneAfterAnother() {
        String answers = pier.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answers.split("HTTP/1.1 200", -1)).hasSize(3);
    }

    @Test
    void aSlowBackendIsWaitedForPastTheClientIdleTimeout() {
        var response = pier.get("/slow"); // warm
        assertThat(response.getStatus()).isEqualTo(200);
        try {
            var slow = pier.request("/").headers(h -> h.put("X-Test-Delay", "2500")).send();
            assertThat(slow.getStatus()).isEqualTo(200);
            assertThat(slow.getContentAsString()).isEqualTo("a");
        } catch (Exception e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void moreThanTheMostHeaderFieldsGet431() {
        StringBuilder head = new StringBuilder("GET / HTTP/1.1\r\nHost: x\r\n");
        for (int i = 0; i < 100; i++) {
            head.append("X-H").append(i).append(": v\r\n");
        }
        String answer = pier.raw(head.append("\r\n").toString());
        assertThat(answer).startsWith("HTTP/1.1 431").contains("Connection: close");
        assertThat(backend.requests()).isZero();
    }

    @Test
    void http10WithTransferEncodingIsRefusedAndNothingBehindItIsServed() {
        String answer = pier.raw("POST / HTTP/1.0\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400").doesNotContain("HTTP/1.1 200");
        assertThat(backend.paths()).doesNotContain("/smuggled");
    }

    @Test
    void aStalledDownloadReaderIsDroppedAndOthersAreServed() throws Exception {
        try (Socket socket = new Socket()) {
            socket.setReceiveBufferSize(4096);
            socket.connect(new java.net.InetSocketAddress("127.0.0.1", pier.port()));
            OutputStream out = socket.getOutputStream();
            out.write("GET /big/33554432 HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            assertThat(in.read()).isEqualTo('H');
            assertThat(pier.get("/").getStatus()).isEqualTo(200);
            // Never reading more: Pier drops the connection once nothing moved on it for its idle timeout.
            var connector = (org.eclipse.jetty.server.ServerConnector) pier.server().getConnectors()[0];
            int port = socket.getLocalPort();
            // An endpoint being closed has no address any more: it counts as gone.
            Awaitility.await().atMost(Duration.ofSeconds(15)).until(() -> connector.getConnectedEndPoints().stream()
                    .noneMatch(e -> e.getRemoteSocketAddress() instanceof java.net.InetSocketAddress address
                            && address.getPort() == port));
            socket.setSoTimeout(10_000);
            long read = 1;
            try {
                byte[] buffer = new byte[65536];
                for (int n; (n = in.read(buffer)) >= 0; ) {
                    read += n;
                }
            } catch (SocketException reset) {
                // closed by Pier
            }
            assertThat(read).isLessThan(33554432L);
        }
        assertThat(pier.get("/").getStatus()).isEqualTo(200);
    }
}
