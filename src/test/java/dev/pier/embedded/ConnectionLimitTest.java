package dev.pier.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Beyond {@code max-connections}, a new connection waits until one closes; then it is served. */
@Timeout(60)
class ConnectionLimitTest {

    @TempDir
    Path dir;

    @Test
    void aConnectionBeyondTheLimitWaitsForOneToClose() throws Exception {
        try (TestBackend backend = TestBackend.start("a");
             PierHarness pier = PierHarness.start(dir, """
                     health-check { interval = 1h }
                     server { limits { max-connections = 2 } }
                     routes = [ { prefix = "/", backends = ["%s"] } ]
                     """.formatted(backend.url()))) {
            pier.awaitReady();
            try (Socket first = new Socket("127.0.0.1", pier.port());
                 Socket second = new Socket("127.0.0.1", pier.port())) {
                // Both accepted and idle: the limit is reached.
                assertThat(get(first)).startsWith("HTTP/1.1 200");
                assertThat(get(second)).startsWith("HTTP/1.1 200");
                try (Socket third = new Socket("127.0.0.1", pier.port())) {
                    third.getOutputStream().write(request());
                    third.setSoTimeout(1000);
                    boolean answered;
                    try {
                        answered = third.getInputStream().read() >= 0;
                    } catch (SocketTimeoutException waiting) {
                        answered = false;
                    }
                    assertThat(answered).as("served beyond the limit").isFalse();
                    first.close();
                    third.setSoTimeout(10_000);
                    assertThat(new String(third.getInputStream().readNBytes(12), StandardCharsets.ISO_8859_1))
                            .isEqualTo("HTTP/1.1 200");
                }
            }
        }
    }

    private static byte[] request() {
        return "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.ISO_8859_1);
    }

    /** Sends one request on the kept-alive {@code socket} and reads the answer's head and its 1-byte body. */
    private static String get(Socket socket) throws Exception {
        socket.getOutputStream().write(request());
        socket.setSoTimeout(10_000);
        InputStream in = socket.getInputStream();
        StringBuilder head = new StringBuilder();
        while (!head.toString().endsWith("\r\n\r\n")) {
            head.append((char) in.read());
        }
        in.readNBytes(1); // the body "a"
        return head.toString();
    }
}
