package dev.pier.testing;

import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real Redis for a test class: Debian's {@code redis-server} from the {@code PATH}, on a free loopback port,
 * with no persistence, started before the class (once it answers {@code PING}) and stopped after it. Tests may
 * {@link #kill} it and {@link #start} it again on the same port. Without {@code redis-server} the class is
 * skipped, unless the environment variable {@code CI} is {@code true}: then it fails. Register it with
 * {@code @RegisterExtension static final RedisServer redis = new RedisServer();}. Not thread-safe: the test
 * thread drives it.
 */
public final class RedisServer implements BeforeAllCallback, BeforeEachCallback, AfterAllCallback {

    private static final String EXECUTABLE = "redis-server";

    private static final String MISSING = EXECUTABLE + " is not on the PATH (Debian: apt-get install redis-server)";

    private @Nullable Path executable;
    private @Nullable Path dir;
    private @Nullable Process process;
    private int port;

    @Override
    public void beforeAll(ExtensionContext context) throws Exception {
        executable = find();
        if (executable == null) {
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(MISSING + "; with CI=true the Redis tests must run");
            }
            // Each test is skipped (beforeEach), so that the report counts them.
            return;
        }
        dir = Files.createTempDirectory("pier-redis");
        port = freePort();
        start();
    }

    @Override
    public void beforeEach(ExtensionContext context) {
        Assumptions.assumeTrue(executable != null, MISSING + ": skipping the Redis tests");
    }

    @Override
    public void afterAll(ExtensionContext context) throws Exception {
        kill();
        if (dir != null) {
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                    Files.deleteIfExists(file);
                }
            }
        }
    }

    /** {@code redis://127.0.0.1:<port>}. */
    public String uri() {
        return "redis://127.0.0.1:" + port;
    }

    public int port() {
        return port;
    }

    public boolean running() {
        return process != null && process.isAlive();
    }

    /** Starts the server, on the same port as before, and waits until it answers PING. */
    public void start() {
        if (running()) {
            return;
        }
        if (executable == null || dir == null) {
            throw new IllegalStateException("RedisServer is not registered as an extension");
        }
        List<String> command = List.of(executable.toString(), "--port", Integer.toString(port),
                "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", dir.toString(),
                "--daemonize", "no");
        try {
            process = new ProcessBuilder(command).redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(dir.resolve("redis.log").toFile()))
                    .start();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        await("redis-server on port " + port + " answering PING").atMost(Duration.ofSeconds(15))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> {
                    if (process == null || !process.isAlive()) {
                        throw new IllegalStateException("redis-server exited; see " + dir.resolve("redis.log"));
                    }
                    return ping();
                });
    }

    /** Kills the server at once (SIGKILL), as a crash would, and waits until it is gone. */
    public void kill() throws InterruptedException {
        Process running = process;
        process = null;
        if (running != null) {
            running.destroyForcibly();
            if (!running.waitFor(15, TimeUnit.SECONDS)) {
                throw new IllegalStateException("redis-server did not exit");
            }
        }
    }

    private boolean ping() {
        try (Socket socket = new Socket()) {
            socket.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 500);
            socket.setSoTimeout(500);
            OutputStream out = socket.getOutputStream();
            out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            BufferedReader in = new BufferedReader(new InputStreamReader(socket.getInputStream(),
                    StandardCharsets.US_ASCII));
            return "+PONG".equals(in.readLine());
        } catch (IOException e) {
            return false;
        }
    }

    private static @Nullable Path find() {
        String path = System.getenv("PATH");
        if (path == null) {
            return null;
        }
        for (String entry : path.split(File.pathSeparator)) {
            if (!entry.isEmpty()) {
                Path candidate = Path.of(entry, EXECUTABLE);
                if (Files.isExecutable(candidate)) {
                    return candidate;
                }
            }
        }
        return null;
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return socket.getLocalPort();
        }
    }
}
