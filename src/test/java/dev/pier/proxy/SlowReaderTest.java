package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A client that stops reading a large response holds no thread: the proxy's HTTP client runs its response
 * listeners on its selector, so a write that blocked there would stall every backend's answers. Here the
 * download waits on its client while others are served, and then arrives whole.
 */
class SlowReaderTest {

    private static final int SIZE = 16 * 1024 * 1024;

    @TempDir
    Path dir;

    @Test
    void aStalledDownloadStallsNobodyElseAndArrivesWhole() throws Exception {
        try (TestBackend backend = TestBackend.start("big");
             PierHarness pier = PierHarness.start(dir, """
                     health-check { interval = 1h }
                     routes = [ { prefix = "/", backends = ["%s"] } ]
                     """.formatted(backend.url()));
             Socket slow = new Socket()) {
            slow.setReceiveBufferSize(4096);
            slow.connect(new InetSocketAddress("127.0.0.1", pier.port()), 5_000);
            slow.getOutputStream().write(("GET /big/" + SIZE + " HTTP/1.1\r\nHost: pier\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.ISO_8859_1));
            await().atMost(Duration.ofSeconds(10)).until(() -> backend.paths().contains("/big/" + SIZE));

            // 16 MiB wait unread, far more than the sockets' buffers hold: Pier's write to this client is pending.
            for (int i = 0; i < 50; i++) {
                ContentResponse response = pier.request("/other/" + i).timeout(5, TimeUnit.SECONDS).send();
                assertThat(response.getStatus()).isEqualTo(200);
                assertThat(response.getContentAsString()).isEqualTo("big");
            }

            slow.setSoTimeout(20_000);
            byte[] answer = slow.getInputStream().readAllBytes();
            int headersEnd = indexOf(answer, "\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1));
            String headers = new String(answer, 0, headersEnd, StandardCharsets.ISO_8859_1);
            assertThat(headers).startsWith("HTTP/1.1 200").containsIgnoringCase("Content-Length: " + SIZE);
            byte[] body = Arrays.copyOfRange(answer, headersEnd + 4, answer.length);
            assertThat(body.length).isEqualTo(SIZE);
            assertThat(Arrays.equals(body, TestBackend.bigBody(SIZE))).isTrue();
        }
    }

    private static int indexOf(byte[] data, byte[] pattern) {
        outer:
        for (int i = 0; i + pattern.length <= data.length; i++) {
            for (int j = 0; j < pattern.length; j++) {
                if (data[i + j] != pattern[j]) {
                    continue outer;
                }
            }
            return i;
        }
        throw new AssertionError("no end of headers in the answer");
    }
}
