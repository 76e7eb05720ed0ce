package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Health;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Failures of the client's making never count against a backend, never move to another and get a 4xx. */
@Timeout(60)
class ClientFaultTest {

    @TempDir
    Path dir;
    private List<TestBackend> backends;
    private PierHarness pier;

    @BeforeEach
    void start() {
        backends = List.of(TestBackend.start("a"), TestBackend.start("b"), TestBackend.start("c"));
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                server { limits { body-idle-timeout = 1s } }
                routes = [ { prefix = "/", retries = 2, passive-health { consecutive-failures = 3 },
                  backends = ["%s", "%s", "%s"] } ]
                """.formatted(backends.get(0).url(), backends.get(1).url(), backends.get(2).url()));
        pier.awaitReady();
    }

    @AfterEach
    void stop() {
        pier.close();
        backends.forEach(TestBackend::close);
    }

    @Test
    void malformedChunkedBodiesAnswer400AndLeaveEveryBackendUp() throws Exception {
        for (int i = 0; i < 12; i++) {
            String answer = pier.raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                    + "5\r\nhello\r\nzz\r\nmore\r\n0\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 400");
        }
        assertEveryBackendUp();
        assertThat(pier.get("/").getStatus()).isEqualTo(200);
    }

    @Test
    void uploadsAbandonedMidBodyLeaveEveryBackendUp() throws Exception {
        for (int i = 0; i < 12; i++) {
            try (Socket socket = new Socket("127.0.0.1", pier.port())) {
                OutputStream out = socket.getOutputStream();
                out.write(("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(5000))
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
            }
        }
        org.awaitility.Awaitility.await().atMost(java.time.Duration.ofSeconds(10))
                .until(() -> backends.stream().allMatch(b -> true));
        assertEveryBackendUp();
        assertThat(pier.get("/").getStatus()).isEqualTo(200);
    }

    @Test
    void aStalledUploadAnswers408AndLeavesEveryBackendUp() throws Exception {
        for (int i = 0; i < 4; i++) {
            try (Socket socket = new Socket("127.0.0.1", pier.port())) {
                socket.setSoTimeout(15_000);
                OutputStream out = socket.getOutputStream();
                out.write("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 100\r\n\r\nabc"
                        .getBytes(StandardCharsets.ISO_8859_1));
                out.flush();
                InputStream in = socket.getInputStream();
                String answer = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
                assertThat(answer).startsWith("HTTP/1.1 408");
            }
        }
        assertEveryBackendUp();
    }

    private void assertEveryBackendUp() {
        var pool = pier.route("/").pool();
        for (var backend : pool.backends()) {
            assertThat(pool.health(backend)).as(backend.toString()).isEqualTo(Health.UP);
        }
    }
}
