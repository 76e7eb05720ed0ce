package dev.pier.testing;

import dev.pier.config.ServerSettings;
import dev.pier.config.SettingsLoader;
import dev.pier.embedded.PierServer;
import dev.pier.routing.Route;
import dev.pier.web.PierRuntime;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.server.Server;

/**
 * Pier on embedded Jetty for tests: written configuration, port 0, and a client that talks to it. Start it with
 * a HOCON body (the part inside {@code pier { }}).
 */
public final class PierHarness implements AutoCloseable {

    private final Path configFile;
    private final Server server;
    private final HttpClient client;
    private final int port;

    private PierHarness(Path configFile, Server server, HttpClient client) {
        this.configFile = configFile;
        this.server = server;
        this.client = client;
        this.port = PierServer.port(server);
    }

    /** Writes {@code pier { body }} to a file in {@code directory} and starts Pier on it. */
    public static PierHarness start(Path directory, String body) {
        return start(directory, body, context -> { });
    }

    /**
     * As {@link #start(Path, String)}; {@code customize} may add to Pier's servlet context before it starts (a test
     * filter, say).
     */
    public static PierHarness start(Path directory, String body, Consumer<ServletContextHandler> customize) {
        try {
            Path file = directory.resolve("pier.conf");
            // The test's own keys come after these and win over them.
            Files.writeString(file, "pier {\nserver { shutdown-timeout = 5s }\n" + body + "\n}\n");
            ServerSettings settings = SettingsLoader.load(file).server().at("127.0.0.1", 0);
            Server server = PierServer.create(file, settings);
            customize.accept(server.getDescendant(ServletContextHandler.class));
            server.start();
            HttpClient client = new HttpClient();
            client.setFollowRedirects(false);
            client.start();
            return new PierHarness(file, server, client);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    public Path configFile() {
        return configFile;
    }

    public Server server() {
        return server;
    }

    /** The runtime that Pier's listener published: its routes, pools and backends. */
    public PierRuntime runtime() {
        ServletContextHandler context = server.getDescendant(ServletContextHandler.class);
        PierRuntime runtime = PierRuntime.from(context.getServletContext());
        if (runtime == null) {
            throw new IllegalStateException("Pier's runtime is not published");
        }
        return runtime;
    }

    /** The route with {@code prefix}. */
    public Route route(String prefix) {
        return runtime().router().routes().stream().filter(r -> r.prefix().equals(prefix)).findFirst()
                .orElseThrow();
    }

    /** Waits until every backend has had its first probe. */
    public void awaitReady() {
        org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> runtime().ready());
    }

    public int port() {
        return port;
    }

    /** The HTTPS port, or -1 when Pier has none. */
    public int httpsPort() {
        return PierServer.httpsPort(server);
    }

    public String url(String pathAndQuery) {
        return "http://127.0.0.1:" + port + pathAndQuery;
    }

    public HttpClient client() {
        return client;
    }

    /** A request to Pier, ready to be customized and sent. */
    public Request request(String pathAndQuery) {
        return client.newRequest(url(pathAndQuery)).timeout(20, TimeUnit.SECONDS);
    }

    public ContentResponse get(String pathAndQuery) {
        try {
            return request(pathAndQuery).send();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** Sends {@code raw} bytes over a new connection and returns everything Pier answers until it closes. */
    public String raw(String raw) {
        try (Socket socket = new Socket("127.0.0.1", port)) {
            socket.setSoTimeout(20_000);
            OutputStream out = socket.getOutputStream();
            out.write(raw.getBytes(StandardCharsets.ISO_8859_1));
            out.flush();
            InputStream in = socket.getInputStream();
            return new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    @Override
    public void close() {
        try {
            client.stop();
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
