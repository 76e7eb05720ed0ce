package dev.pier.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.TestBackend;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The real launcher, {@code java -jar target/pier.jar --config FILE}, as a process. */
class LauncherIT {

    private static final Duration WAIT = Duration.ofSeconds(30);
    private static final Pattern LISTENING = Pattern.compile("Pier listening on http://127\\.0\\.0\\.1:(\\d+)/");

    @TempDir
    Path directory;

    private Path log;

    private final TestBackend backend = TestBackend.start("alpha");
    private Process process;

    @AfterEach
    void stopAll() {
        if (process != null && process.isAlive()) {
            process.destroyForcibly();
        }
        backend.close();
    }

    private Process launch(Path config) throws Exception {
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        // To a file: Process.destroy() closes the pipes, and the shutdown's log lines come after it.
        return new ProcessBuilder(java, "-jar", System.getProperty("test.pier.jar"), "--config", config.toString())
                .redirectErrorStream(true)
                .redirectOutput(log.toFile())
                .start();
    }

    private List<String> output() {
        try {
            return Files.readAllLines(log, StandardCharsets.UTF_8);
        } catch (java.io.IOException e) {
            return List.of();
        }
    }

    private int port() {
        for (String line : output()) {
            Matcher matcher = LISTENING.matcher(line);
            if (matcher.find()) {
                return Integer.parseInt(matcher.group(1));
            }
        }
        return -1;
    }

    @Test
    void sigtermStopsTheHealthChecksAndExitsZero() throws Exception {
        log = directory.resolve("pier.log");
        Path config = directory.resolve("pier.conf");
        Files.writeString(config, """
                pier {
                  server { host = "127.0.0.1", port = 0 }
                  routes = [ { prefix = "/", backends = ["%s"] } ]
                }
                """.formatted(backend.url()));
        process = launch(config);
        await().atMost(WAIT).until(() -> port() > 0 || !process.isAlive());
        assertThat(process.isAlive()).as("launcher output: %s", output()).isTrue();
        HttpClient client = HttpClient.newHttpClient();
        HttpResponse<String> answer = client.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port() + "/x")).timeout(WAIT).build(),
                HttpResponse.BodyHandlers.ofString());
        assertThat(answer.body()).isEqualTo("alpha");

        process.destroy();

        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(process.exitValue()).as("launcher output: %s", output()).isZero();
        await().atMost(WAIT).untilAsserted(() -> assertThat(output()).anyMatch(line -> line.contains("Pier stopped")));
    }

    @Test
    void invalidConfigurationExitsTwoWithTheFileLineAndKey() throws Exception {
        log = directory.resolve("pier.log");
        Path config = directory.resolve("pier.conf");
        Files.writeString(config, "pier {\n  routes = []\n}\n");
        process = launch(config);

        assertThat(process.waitFor(WAIT.toSeconds(), TimeUnit.SECONDS)).as("exited").isTrue();
        assertThat(process.exitValue()).isEqualTo(2);
        await().atMost(WAIT).untilAsserted(() -> assertThat(output())
                .anyMatch(line -> line.contains("pier.conf: 2: pier.routes: no routes are configured")));
    }
}
