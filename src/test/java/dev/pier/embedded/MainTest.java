package dev.pier.embedded;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MainTest {

    @TempDir
    Path dir;

    @Test
    void invalidConfigurationExitsTwoAndListsEveryProblemWithFileLineAndKey() throws Exception {
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                pier {
                  routes = [
                    { prefix = "/a", backends = [] }
                    { prefix = "/b", backends = ["http://127.0.0.1:1"], policy = nope }
                  ]
                }
                """);
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--config", file.toString()}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8))
                .contains(file + ": 3: pier.routes[0].backends: a route without backends")
                .contains(file + ": 4: pier.routes[1].policy: unknown policy 'nope'");
    }

    @Test
    void unknownArgumentExitsTwoWithUsage() {
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int code = Main.run(new String[] {"--frobnicate"}, new PrintStream(new ByteArrayOutputStream()),
                new PrintStream(err, true, StandardCharsets.UTF_8));
        assertThat(code).isEqualTo(2);
        assertThat(err.toString(StandardCharsets.UTF_8)).contains("unknown argument: --frobnicate").contains("usage:");
    }
}
