package dev.pier.websocket;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.WebSocketBackend;
import dev.pier.testing.WebSocketClient;
import java.net.ServerSocket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** WebSocket pass-through on the embedded server: the handshake, messages both ways, refusals and failures. */
class WebSocketPassThroughTest {

    @TempDir
    Path directory;

    private final WebSocketBackend backend = WebSocketBackend.start("ws");
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        backend.close();
    }

    private PierHarness start(String routeExtra) {
        pier = PierHarness.start(directory, "routes = [ { prefix = \"/ws\", backends = [\"" + backend.url()
                + "\"], health-check { kind = tcp } " + routeExtra + " } ]");
        return pier;
    }

    private String ws(String path) {
        return "ws://127.0.0.1:" + pier.port() + path;
    }

    @Test
    void textAndBinaryMessagesEchoThroughPier() throws Exception {
        start("");
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo?x=1"));

        client.socket().sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextText()).isEqualTo("hello");
        client.socket().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertThat(client.next()).containsExactly(1, 2, 3);
        assertThat(backend.handshakes().get(0)).containsEntry(":path", "/ws/echo?x=1")
                .containsKey("x-request-id").containsEntry("x-forwarded-for", "127.0.0.1")
                .doesNotContainKey("sec-websocket-protocol");
    }

    @Test
    void theBackendsSubprotocolChoiceIsTheClients() throws Exception {
        start("");
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"), "v0.test", "v1.test", "v2.test");

        assertThat(client.subprotocol()).isEqualTo("v1.test");
        assertThat(backend.handshakes().get(0).get("sec-websocket-protocol")).isEqualTo("v0.test, v1.test, v2.test");
    }

    @Test
    void aBackendsRefusalIsPassedBackAsItsStatus() {
        start("");
        assertThat(WebSocketClient.refusal(ws("/ws/refuse"))).isEqualTo(403);
    }

    @Test
    void theRoutesAccessRulesApplyToTheUpgradeBeforeAnyBackendIsAsked() {
        start(", deny = [\"127.0.0.1\"]");
        assertThat(WebSocketClient.refusal(ws("/ws/echo"))).isEqualTo(403);
        assertThat(backend.handshakes()).isEmpty();
    }

    @Test
    void anUnreachableBackendIs502() throws Exception {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        pier = PierHarness.start(directory, "routes = [ { prefix = \"/ws\", backends = [\"http://127.0.0.1:"
                + closedPort + "\"], health-check { kind = tcp, interval = 1h }, when-all-down = try-all } ]");
        assertThat(WebSocketClient.refusal(ws("/ws/echo"))).isEqualTo(502);
    }

    @Test
    void aBackendThatNeverAnswersTheHandshakeIs504() throws Exception {
        try (ServerSocket silent = new ServerSocket(0)) {
            pier = PierHarness.start(directory, "routes = [ { prefix = \"/ws\", backends = [\"http://127.0.0.1:"
                    + silent.getLocalPort() + "\"], health-check { kind = tcp }, proxy { request-timeout = 500ms } } ]");
            pier.awaitReady();
            assertThat(WebSocketClient.refusal(ws("/ws/echo"))).isEqualTo(504);
        }
    }

    @Test
    void closeCodesPassBothWays() throws Exception {
        start("");
        WebSocketClient byBackend = WebSocketClient.open(ws("/ws/echo"));
        byBackend.socket().sendText("close:4001:bye", true);
        assertThat(byBackend.closed().get(10, TimeUnit.SECONDS)).isEqualTo(4001);
        assertThat(byBackend.closeReason()).isEqualTo("bye");

        WebSocketClient byClient = WebSocketClient.open(ws("/ws/echo"));
        byClient.socket().sendClose(4002, "later").get(10, TimeUnit.SECONDS);
        assertThat(backend.closes().poll(10, TimeUnit.SECONDS)).isEqualTo(4002);
    }

    @Test
    void theBackendsPingsReachTheClientAndItsPongsComeBack() throws Exception {
        start("");
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        client.socket().sendText("ping:are-you-there", true);
        assertThat(client.pings().poll(10, TimeUnit.SECONDS)).isEqualTo("are-you-there");
        assertThat(backend.pongs().poll(10, TimeUnit.SECONDS)).isEqualTo("are-you-there");
    }

    @Test
    void aTextMessageOfManyFragmentsKeepsItsCharacters() throws Exception {
        start("");
        WebSocketClient client = WebSocketClient.open(ws("/ws/echo"));
        String part = "é€😀".repeat(30_000);
        client.socket().sendText(part, false).get(10, TimeUnit.SECONDS);
        client.socket().sendText(part, true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextText()).isEqualTo(part + part);
        assertThat(part.getBytes(StandardCharsets.UTF_8).length * 2).isLessThan(1 << 20);
    }
}
