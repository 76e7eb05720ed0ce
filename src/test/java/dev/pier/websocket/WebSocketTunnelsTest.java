package dev.pier.websocket;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import dev.pier.testing.WebSocketBackend;
import dev.pier.testing.WebSocketClient;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Open tunnels as Pier's state: in flight for balancing and drain, closed by idleness, shutdown and reloads, limited
 * in message size, and under back-pressure; not cut by the request timeout.
 */
class WebSocketTunnelsTest {

    @TempDir
    Path directory;

    private final WebSocketBackend a = WebSocketBackend.start("a");
    private final WebSocketBackend b = WebSocketBackend.start("b");
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        a.close();
        b.close();
    }

    private String routes(String extra, WebSocketBackend... backends) {
        String urls = String.join(", ", Arrays.stream(backends).map(w -> "\"" + w.url() + "\"").toList());
        return "routes = [ { prefix = \"/ws\", backends = [" + urls + "], health-check { kind = tcp }, " + extra + " } ]";
    }

    private PierHarness start(String extra, WebSocketBackend... backends) {
        pier = PierHarness.start(directory, routes(extra, backends));
        pier.awaitReady();
        return pier;
    }

    private String ws(String path) {
        return "ws://127.0.0.1:" + pier.port() + path;
    }

    private Backend backend(WebSocketBackend server) {
        return pier.route("/ws").pool().backends().stream().filter(x -> x.port() == server.port()).findFirst()
                .orElseThrow();
    }

    @Test
    void aFiveMebibyteMessageInFragmentsEchoesWhole() throws Exception {
        start("websocket { max-message-size = 8MiB }", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        byte[] large = new byte[5 << 20];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i * 31);
        }
        for (int offset = 0; offset < large.length; offset += 100_000) {
            int length = Math.min(100_000, large.length - offset);
            client.socket().sendBinary(ByteBuffer.wrap(large, offset, length), offset + length == large.length)
                    .get(10, TimeUnit.SECONDS);
        }
        assertThat(Arrays.equals(client.next(), large)).isTrue();
    }

    @Test
    void aMessageLargerThanTheRouteAllowsClosesTheTunnelWith1009() throws Exception {
        start("websocket { max-message-size = 64KiB }", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        client.socket().sendBinary(ByteBuffer.wrap(new byte[100_000]), true);
        assertThat(client.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1009);
        // The backend's side is closed too (mid-message, so its close code is not checked here).
        await().atMost(Duration.ofSeconds(10)).until(() -> backend(a).inFlight() == 0 && a.open() == 0);
    }

    @Test
    void anIdleTunnelIsClosedAndGivesItsBackendBack() throws Exception {
        start("websocket { idle-timeout = 500ms }", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        assertThat(backend(a).inFlight()).isEqualTo(1);

        client.closed().get(10, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(10)).until(() -> backend(a).inFlight() == 0 && a.open() == 0);
    }

    @Test
    void theRequestTimeoutBoundsTheHandshakeButNeverCutsTheTunnel() throws Exception {
        start("proxy { request-timeout = 300ms }", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        await().pollDelay(Duration.ofSeconds(1)).atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
            client.socket().sendText("still here", true).get(10, TimeUnit.SECONDS);
            assertThat(client.nextText()).isEqualTo("still here");
        });
        assertThat(client.closed()).isNotDone();
    }

    @Test
    void clientsGet1001WhenPierStops() throws Exception {
        start("", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        pier.close();
        pier = null;
        assertThat(client.closed().get(10, TimeUnit.SECONDS)).isEqualTo(1001);
    }

    @Test
    void clientsGet1001WhenAReloadRemovesTheirBackend() throws Exception {
        start("", a, b);
        List<WebSocketClient> clients = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            clients.add(WebSocketClient.open(ws("/ws/echo")));
        }
        await().atMost(Duration.ofSeconds(10)).until(() -> a.open() == 2 && b.open() == 2);

        Files.writeString(pier.configFile(), "pier {\n" + routes("", a) + "\n}\n");
        assertThat(pier.runtime().reload().applied()).isTrue();

        await().atMost(Duration.ofSeconds(10)).until(() -> clients.stream().filter(c -> c.closed().isDone()).count() == 2);
        assertThat(clients.stream().filter(c -> c.closed().isDone()).map(c -> c.closed().join()))
                .containsExactly(1001, 1001);
        clients.stream().filter(c -> !c.closed().isDone()).forEach(c -> {
            c.socket().sendText("still open", true);
            try {
                assertThat(c.nextText()).isEqualTo("still open");
            } catch (InterruptedException e) {
                throw new AssertionError(e);
            }
        });
        await().atMost(Duration.ofSeconds(10)).until(() -> b.open() == 0);
    }

    @Test
    void leastConnectionsSteersByOpenWebSockets() throws Exception {
        start("policy = least-connections", a, b);
        for (int open = 1; open <= 3; open++) {
            WebSocketClient.open(ws("/ws/echo"));
            WebSocketClient.open(ws("/ws/echo"));
            // Whichever took the first of the pair, the second went to the other: open sockets are connections.
            int expected = open;
            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(a.open()).isEqualTo(expected);
                assertThat(b.open()).isEqualTo(expected);
                assertThat(backend(a).inFlight()).isEqualTo(expected);
                assertThat(backend(b).inFlight()).isEqualTo(expected);
            });
        }
    }

    @Test
    void aDrainWaitsForOpenWebSockets() throws Exception {
        start("", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        String backendParam = "backend=127.0.0.1:" + a.port();
        assertThat(admin(HttpMethod.POST, "/_pier/backends/state?" + backendParam + "&state=drain").getStatus())
                .isEqualTo(200);

        ContentResponse waiting = admin(HttpMethod.GET, "/_pier/backends/drain?" + backendParam + "&wait=200ms");
        assertThat(waiting.getStatus()).isEqualTo(202);
        assertThat(waiting.getContentAsString()).contains("\"inFlight\":1");

        CompletableFuture<ContentResponse> done = CompletableFuture.supplyAsync(
                () -> admin(HttpMethod.GET, "/_pier/backends/drain?" + backendParam + "&wait=15s"));
        client.socket().sendClose(1000, "done");
        assertThat(done.get(20, TimeUnit.SECONDS).getStatus()).isEqualTo(200);
        assertThat(done.get().getContentAsString()).contains("\"idle\":true");
    }

    @Test
    void aSlowBackendSlowsTheClientAndNothingBuffersWithoutBound() throws Exception {
        start("websocket { max-message-size = 2MiB }", a);
        WebSocketClient client = WebSocketClient.open(ws("/ws/hold"));
        // The first message is echoed; then the backend reads nothing until released.
        client.socket().sendText("first", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextText()).isEqualTo("first");

        int messages = 64;
        byte[] megabyte = new byte[1 << 20];
        List<CompletableFuture<?>> sends = new ArrayList<>();
        CompletableFuture<?> previous = CompletableFuture.completedFuture(null);
        for (int i = 0; i < messages; i++) {
            previous = previous.thenCompose(x -> client.socket().sendBinary(ByteBuffer.wrap(megabyte), true));
            sends.add(previous);
        }
        // The client's sends stop completing: Pier stopped reading it, its socket buffers filled.
        long[] last = {-1};
        await().pollInterval(Duration.ofMillis(500)).atMost(Duration.ofSeconds(30)).until(() -> {
            long now = sends.stream().filter(CompletableFuture::isDone).count();
            boolean settled = now == last[0];
            last[0] = now;
            return settled;
        });
        long sent = last[0];
        assertThat(sent).isLessThan(messages);
        long backendRead = a.bytesRead();
        // What the client sent and the backend did not read is in socket buffers and at most one message of
        // Pier's: far less than the 64 MiB offered.
        assertThat(sent * megabyte.length - (backendRead - "first".length())).isLessThan(24L << 20);

        a.release();
        sends.get(messages - 1).get(30, TimeUnit.SECONDS);
        await().atMost(Duration.ofSeconds(30)).until(() -> a.bytesRead() == "first".length() + (long) messages * megabyte.length);
    }

    private ContentResponse admin(HttpMethod method, String path) {
        try {
            return pier.request(path).method(method).send();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void anH2cUpgradeGoesOnAsPlainHttp11WithoutItsUpgradeHeaders() throws Exception {
        try (TestBackend plain = TestBackend.start("plain")) {
            pier = PierHarness.start(directory, "routes = [ { prefix = \"/\", backends = [\"" + plain.url()
                    + "\"], health-check { kind = tcp } } ]");
            pier.awaitReady();
            String answer = pier.raw("GET /echo HTTP/1.1\r\nHost: pier\r\nConnection: Upgrade, close\r\n"
                    + "Upgrade: h2c\r\nHTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n");
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(answer.toLowerCase()).doesNotContain("header.upgrade=", "header.http2-settings=",
                    "header.connection=");
        }
    }
}
