package dev.pier.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Stopping the embedded server: new connections are refused, in-flight requests finish. */
class GracefulShutdownTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @TempDir
    Path directory;

    private final TestBackend backend = TestBackend.start("slow");

    @AfterEach
    void stopBackend() {
        backend.close();
    }

    private static boolean refused(int port) {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            return false;
        } catch (ConnectException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    @Test
    void slowRequestCompletesWith200WhileNewConnectionsAreRefused() throws Exception {
        PierHarness pier = PierHarness.start(directory,
                "routes = [ { prefix = \"/\", backends = [\"" + backend.url() + "\"] } ]");
        int port = pier.port();
        await().atMost(WAIT).until(() -> pier.get("/_pier/ready").getStatus() == 200);
        CompletableFuture<ContentResponse> inFlight = CompletableFuture.supplyAsync(() -> {
            try {
                return pier.request("/slow").headers(h -> h.put("X-Test-Delay", "3000")).send();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });
        await().atMost(WAIT).until(() -> backend.requests() >= 1);

        CompletableFuture<Void> stopping = CompletableFuture.runAsync(() -> {
            try {
                pier.server().stop();
            } catch (Exception e) {
                throw new IllegalStateException(e);
            }
        });

        await().atMost(WAIT).until(() -> refused(port));
        ContentResponse response = inFlight.get(20, TimeUnit.SECONDS);
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).isEqualTo("slow");
        stopping.get(20, TimeUnit.SECONDS);
        assertThat(refused(port)).isTrue();
        pier.client().stop();
    }
}
