package dev.pier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class LifecycleTest {

    @TempDir
    Path dir;

    /** Pier's threads: the health checks (pier-health-*) and the proxy's client (pier-proxy-*). */
    static List<String> pierThreads() {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(Thread::isAlive)
                .map(Thread::getName)
                .filter(name -> name.startsWith("pier-health") || name.startsWith("pier-proxy"))
                .sorted()
                .toList();
    }

    @Test
    void noPierThreadIsLeftAfterTheContextIsDestroyed() {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b")) {
            PierHarness pier = PierHarness.start(dir, """
                    health-check { interval = 200ms }
                    routes = [
                      { prefix = "/", backends = ["%s"] }
                      { prefix = "/tcp", backends = ["%s"], health-check { kind = tcp } }
                    ]
                    """.formatted(a.url(), b.url()));
            await().atMost(Duration.ofSeconds(10)).until(() -> pier.get("/_pier/ready").getStatus() == 200);
            assertThat(pier.get("/").getStatus()).isEqualTo(200);
            assertThat(pierThreads()).anyMatch(name -> name.startsWith("pier-health"))
                    .anyMatch(name -> name.startsWith("pier-proxy"));

            pier.close();

            await().atMost(Duration.ofSeconds(10)).untilAsserted(() -> assertThat(pierThreads()).isEmpty());
        }
    }
}
