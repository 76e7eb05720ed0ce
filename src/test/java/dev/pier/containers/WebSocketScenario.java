package dev.pier.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.WebSocketBackend;
import dev.pier.testing.WebSocketClient;
import dev.pier.testing.TestBackend;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.concurrent.TimeUnit;

/**
 * What every container must do with the deployed WAR's WebSocket pass-through: echo of text and binary (a large
 * message in fragments too), the backend's subprotocol, its refusal passed back, an unreachable backend (502), close
 * codes both ways, the idle timeout, 1001 when the WAR is undeployed, and an {@code h2c} upgrade answered as plain
 * HTTP/1.1. Container-neutral: the JDK's WebSocket client, a Jetty-core WebSocket backend and a plain socket.
 * (Balancing and drain by open sockets are Pier's own counting, the same in every container: tested embedded.)
 */
final class WebSocketScenario {

    private WebSocketScenario() {
    }

    /**
     * A configuration with the routes {@link #run} uses: /ws to {@code backend} (messages up to 8 MiB), /ws-idle to
     * it with an idle timeout of 500 ms, /ws-down to a port where nothing listens, and /plain to {@code plain}.
     */
    static Path writeConfig(Path directory, WebSocketBackend backend, TestBackend plain) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        Path file = directory.resolve("ws.conf");
        Files.writeString(file, """
                pier {
                  routes = [
                    { prefix = "/ws", backends = ["%1$s"], health-check { kind = tcp },
                      websocket { max-message-size = 8MiB } }
                    { prefix = "/ws-idle", backends = ["%1$s"], health-check { kind = tcp },
                      websocket { idle-timeout = 500ms } }
                    { prefix = "/ws-down", backends = ["http://127.0.0.1:%2$d"],
                      health-check { kind = tcp, interval = 1h }, when-all-down = try-all }
                    { prefix = "/plain", strip-prefix = true, backends = ["%3$s"], health-check { kind = tcp } }
                  ]
                }
                """.formatted(backend.url(), closedPort, plain.url()));
        return file;
    }

    /** Runs the scenario against Pier at {@code base} ({@code http://...}, no trailing slash). */
    static void run(String base, WebSocketBackend backend) throws Exception {
        String root = "ws" + base.substring(4);
        String ws = root + "/ws";
        await().atMost(Duration.ofSeconds(20)).until(() -> ContainerScenario.get(base + "/_pier/ready").statusCode() == 200);

        WebSocketClient client = WebSocketClient.open(ws + "/echo", "v0.test", "v1.test", "v2.test");
        assertThat(client.subprotocol()).isEqualTo("v1.test");
        client.socket().sendText("hello", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextText()).isEqualTo("hello");
        client.socket().sendBinary(ByteBuffer.wrap(new byte[] {1, 2, 3}), true).get(10, TimeUnit.SECONDS);
        assertThat(client.next()).containsExactly(1, 2, 3);

        byte[] large = new byte[5 << 20];
        for (int i = 0; i < large.length; i++) {
            large[i] = (byte) (i % 251);
        }
        int fragment = 256 * 1024;
        for (int offset = 0; offset < large.length; offset += fragment) {
            int length = Math.min(fragment, large.length - offset);
            client.socket().sendBinary(ByteBuffer.wrap(large, offset, length), offset + length == large.length)
                    .get(10, TimeUnit.SECONDS);
        }
        assertThat(Arrays.equals(client.next(), large)).as("5 MiB echoed intact").isTrue();

        client.socket().sendText("close:4001:bye", true);
        assertThat(client.closed().get(10, TimeUnit.SECONDS)).isEqualTo(4001);

        WebSocketClient closing = WebSocketClient.open(ws + "/echo");
        closing.socket().sendClose(4002, "later").get(10, TimeUnit.SECONDS);
        assertThat(backend.closes().poll(10, TimeUnit.SECONDS)).isEqualTo(4002);

        assertThat(WebSocketClient.refusal(ws + "/refuse")).isEqualTo(403);
        assertThat(WebSocketClient.refusal(root + "/ws-down/echo")).isEqualTo(502);

        WebSocketClient idle = WebSocketClient.open(root + "/ws-idle/echo");
        idle.socket().sendText("once", true).get(10, TimeUnit.SECONDS);
        assertThat(idle.nextText()).isEqualTo("once");
        assertThat(idle.closed().get(10, TimeUnit.SECONDS)).as("closed when idle").isNotNull();

        assertH2cUpgradeIsPlainHttp11(URI.create(base + "/plain/echo"));
    }

    /** An open WebSocket gets 1001 (going away) when {@code undeploy} takes the WAR away. */
    static void runUndeploy(String base, Callable<?> undeploy) throws Exception {
        WebSocketClient client = WebSocketClient.open("ws" + base.substring(4) + "/ws/echo");
        client.socket().sendText("before", true).get(10, TimeUnit.SECONDS);
        assertThat(client.nextText()).isEqualTo("before");

        undeploy.call();

        assertThat(client.closed().get(20, TimeUnit.SECONDS)).isEqualTo(1001);
    }

    /** A request with {@code Upgrade: h2c} reaches the backend as plain HTTP/1.1 without its upgrade headers. */
    private static void assertH2cUpgradeIsPlainHttp11(URI uri) throws IOException {
        try (Socket socket = new Socket(uri.getHost(), uri.getPort())) {
            socket.setSoTimeout(10_000);
            socket.getOutputStream().write(("GET " + uri.getPath() + " HTTP/1.1\r\nHost: " + uri.getHost()
                    + "\r\nConnection: Upgrade, HTTP2-Settings, close\r\nUpgrade: h2c\r\n"
                    + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            String answer = new String(socket.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
            assertThat(answer).startsWith("HTTP/1.1 200");
            assertThat(answer.toLowerCase(Locale.ROOT)).contains("x-backend: plain")
                    .doesNotContain("header.upgrade=", "header.http2-settings=", "header.connection=");
        }
    }
}
