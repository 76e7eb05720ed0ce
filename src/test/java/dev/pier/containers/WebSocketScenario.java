package dev.pier.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.WebSocketBackend;
import dev.pier.testing.WebSocketClient;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.TimeUnit;

/**
 * What every container must do with the deployed WAR's WebSocket pass-through: echo of text and binary (a large
 * message in fragments too), the backend's subprotocol, its refusal passed back, close codes. Container-neutral: the
 * JDK's WebSocket client and a Jetty-core WebSocket backend.
 */
final class WebSocketScenario {

    private WebSocketScenario() {
    }

    /** A configuration with one route, /ws, to {@code backend}, whose messages may be 8 MiB. */
    static Path writeConfig(Path directory, WebSocketBackend backend) throws IOException {
        Path file = directory.resolve("ws.conf");
        Files.writeString(file, """
                pier {
                  routes = [ { prefix = "/ws", backends = ["%s"], health-check { kind = tcp },
                               websocket { max-message-size = 8MiB } } ]
                }
                """.formatted(backend.url()));
        return file;
    }

    /** Runs the scenario against Pier at {@code base} ({@code http://...}, no trailing slash). */
    static void run(String base, WebSocketBackend backend) throws Exception {
        String ws = "ws" + base.substring(4) + "/ws";
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
    }
}
