package dev.pier.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;

/**
 * A real headless browser for each test: Debian's {@code chromium} driven through its {@code chromedriver}, both
 * named explicitly so that Selenium Manager never looks for (or downloads) either, with a fresh profile in a
 * temporary directory. Started before each test and always quit after it. Without the browser or the driver the
 * test is skipped, unless the environment variable {@code CI} is {@code true}: then it fails. Register it with
 * {@code @RegisterExtension final Browser browser = new Browser();}. Not thread-safe: the test thread drives it.
 */
public final class Browser implements BeforeEachCallback, AfterEachCallback {

    private static final Path CHROMIUM = Path.of("/usr/bin/chromium");
    private static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");

    private @Nullable ChromeDriver driver;
    private @Nullable Path profile;

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (!Files.isExecutable(CHROMIUM) || !Files.isExecutable(CHROMEDRIVER)) {
            String missing = CHROMIUM + " or " + CHROMEDRIVER + " is missing: install chromium and chromium-driver";
            if ("true".equals(System.getenv("CI"))) {
                throw new IllegalStateException(missing + " (CI=true, so this test fails rather than skips)");
            }
            Assumptions.abort(missing);
        }
        profile = Files.createTempDirectory("pier-chromium");
        ChromeOptions options = new ChromeOptions();
        options.setBinary(CHROMIUM.toFile());
        options.addArguments("--headless=new", "--no-sandbox", "--disable-gpu", "--disable-dev-shm-usage",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--no-first-run", "--window-size=1100,420", "--user-data-dir=" + profile);
        ChromeDriverService service = new ChromeDriverService.Builder()
                .usingDriverExecutable(CHROMEDRIVER.toFile())
                .usingAnyFreePort()
                .build();
        driver = new ChromeDriver(service, options);
        driver.manage().timeouts().pageLoadTimeout(Duration.ofSeconds(20)).scriptTimeout(Duration.ofSeconds(20));
    }

    /** The test's browser. */
    public ChromeDriver driver() {
        ChromeDriver current = driver;
        if (current == null) {
            throw new IllegalStateException("the browser starts before each test");
        }
        return current;
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        try {
            if (driver != null) {
                driver.quit();
            }
        } finally {
            driver = null;
            if (profile != null) {
                try (Stream<Path> files = Files.walk(profile)) {
                    files.sorted(Comparator.reverseOrder()).forEach(path -> path.toFile().delete());
                } catch (UncheckedIOException e) {
                    // A file Chromium still held; the temporary directory is the system's to clean.
                }
                profile = null;
            }
        }
    }
}
