package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.testing.Browser;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.support.ui.WebDriverWait;

/** {@code GET /_pier/} in a real headless Chromium: health, steering and drain progress as an operator sees them. */
class DashboardInBrowserTest {

    private static final Duration WAIT = Duration.ofSeconds(20);

    @RegisterExtension
    final Browser browser = new Browser();

    @TempDir
    Path directory;

    private final TestBackend a = TestBackend.start("a");
    private final TestBackend b = TestBackend.start("b");
    private final TestBackend c = TestBackend.start("c");
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        Stream.of(a, b, c).forEach(TestBackend::close);
    }

    @Test
    void showsABackendGoingDownThenDrainingThenDrained() throws Exception {
        pier = PierHarness.start(directory, """
                health-check { interval = 200ms, healthy-threshold = 1, unhealthy-threshold = 1 }
                routes = [ { prefix = "/", backends = ["%s", "%s", "%s"] } ]
                """.formatted(a.url(), b.url(), c.url()));
        pier.awaitReady();
        WebDriver driver = browser.driver();
        driver.get(pier.url("/_pier/"));

        assertThat(driver.getTitle()).isEqualTo("Pier");
        waitUntil(() -> driver.findElements(By.cssSelector("tr.backend[data-health='up']")).size() == 3);
        assertThat(driver.findElements(By.cssSelector(".legend span"))).hasSize(6);

        // One slow request per backend (round robin), so that b has one in flight when it is drained.
        List<Object> answers = new CopyOnWriteArrayList<>();
        for (int i = 0; i < 3; i++) {
            pier.request("/slow").headers(h -> h.put("X-Test-Delay", "8000")).send(answers::add);
        }
        await().atMost(WAIT).until(() -> backend(b).inFlight() == 1);

        b.health(503);
        waitUntil(() -> row(b).getAttribute("data-health").equals("down"));
        assertThat(row(b).findElement(By.cssSelector("td.state")).getText()).isEqualTo("down · ready");
        assertThat(row(b).findElements(By.cssSelector("td.probes i.bad"))).isNotEmpty();

        waitUntil(() -> {
            row(b).findElement(By.cssSelector("button.do-drain")).click();
            return true;
        });
        waitUntil(() -> row(b).findElement(By.cssSelector("td.drain")).getText().equals("draining, 1 in flight"));
        assertThat(row(b).getAttribute("data-admin")).isEqualTo("drain");
        assertThat(backend(b).inFlight()).isEqualTo(1);

        waitUntil(() -> row(b).findElement(By.cssSelector("td.drain")).getText().equals("drained"));
        assertThat(backend(b).inFlight()).isZero();
        // A second refresh has a previous total: a rate, not a total.
        waitUntil(() -> row(a).findElement(By.cssSelector("td.rate")).getText().endsWith("/s"));
        assertThat(driver.findElements(By.cssSelector("tr.backend[data-health='up']"))).hasSize(2);

        Path screenshot = Path.of("target", "dashboard.png");
        Files.createDirectories(screenshot.getParent());
        Files.copy(browser.driver().getScreenshotAs(OutputType.FILE).toPath(), screenshot,
                StandardCopyOption.REPLACE_EXISTING);
        assertThat(Files.size(screenshot)).isPositive();
        await().atMost(WAIT).until(() -> answers.size() == 3);
    }

    private WebElement row(TestBackend backend) {
        return browser.driver().findElement(By.cssSelector("tr.backend[data-url$=':" + backend.port() + "']"));
    }

    private Backend backend(TestBackend which) {
        return pier.route("/").pool().backends().stream().filter(x -> x.port() == which.port()).findFirst()
                .orElseThrow();
    }

    /** Waits, bounded, until {@code condition} holds; the page re-renders every 2 s, so elements go stale. */
    private void waitUntil(java.util.function.BooleanSupplier condition) {
        new WebDriverWait(browser.driver(), WAIT).ignoring(StaleElementReferenceException.class)
                .until(driver -> condition.getAsBoolean());
    }
}
