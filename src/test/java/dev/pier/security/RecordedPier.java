package dev.pier.security;

import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Pier in front of named {@link RecordingBackend}s, with a {@link Canary} if asked for: on a {@code static} field
 * for a whole test class, on an instance field for each test. It starts in whichever callback comes first
 * (before all, before each) and stops in the matching one after, closing Pier, then the backends, then the
 * canary, once it has checked that nothing connected to it. Pier's configuration is the template formatted with
 * the backends' URLs in the order they are named ({@code %1$s} is the first), then the canary's port; it is
 * written to a temporary directory of the extension's own, deleted on stop. Register it as
 * {@code @RegisterExtension final RecordedPier fixture = RecordedPier.backends("a", "b").config(template);}.
 * Not thread-safe: the test thread drives it.
 */
final class RecordedPier implements BeforeAllCallback, BeforeEachCallback, AfterEachCallback, AfterAllCallback {

    private enum Lifetime { CLASS, TEST }

    private final List<String> names;
    private final boolean withCanary;
    private final @Nullable String template;

    private final Map<String, RecordingBackend> backends = new LinkedHashMap<>();
    private @Nullable Lifetime started;
    private @Nullable Path dir;
    private @Nullable Canary canary;
    private @Nullable PierHarness pier;

    private RecordedPier(List<String> names, boolean withCanary, @Nullable String template) {
        this.names = names;
        this.withCanary = withCanary;
        this.template = template;
    }

    /** Recording backends by these names, in this order. */
    static RecordedPier backends(String... names) {
        return new RecordedPier(List.of(names), false, null);
    }

    /** Also a canary, whose port follows the backends' URLs in the template's arguments. */
    RecordedPier withCanary() {
        return new RecordedPier(names, true, template);
    }

    /** The body of {@code pier { }}, a format string over the backends' URLs (and the canary's port). */
    RecordedPier config(String template) {
        return new RecordedPier(names, withCanary, requireNonNull(template, "template"));
    }

    @Override
    public void beforeAll(ExtensionContext context) throws IOException {
        start(Lifetime.CLASS);
    }

    @Override
    public void beforeEach(ExtensionContext context) throws IOException {
        if (started == null) {
            start(Lifetime.TEST);
        }
    }

    @Override
    public void afterEach(ExtensionContext context) throws IOException {
        if (started == Lifetime.TEST) {
            stop();
        }
    }

    @Override
    public void afterAll(ExtensionContext context) throws IOException {
        if (started == Lifetime.CLASS) {
            stop();
        }
    }

    PierHarness pier() {
        return running(pier, "Pier");
    }

    /** The one backend. */
    RecordingBackend backend() {
        if (names.size() != 1) {
            throw new IllegalStateException("backends: " + names + " (expected: one; name it)");
        }
        return backend(names.get(0));
    }

    RecordingBackend backend(String name) {
        return running(backends.get(name), "backend '" + name + "' of " + names);
    }

    /** Every backend, in the order they were named. */
    List<RecordingBackend> backends() {
        running(pier, "Pier");
        return List.copyOf(backends.values());
    }

    Canary canary() {
        return running(canary, withCanary ? "the canary" : "a canary (not asked for: withCanary())");
    }

    // Whatever fails half-way is undone by the matching after-callback, which JUnit runs all the same.
    private void start(Lifetime lifetime) throws IOException {
        String body = requireNonNull(template, "template (expected: config(...))");
        started = lifetime;
        dir = Files.createTempDirectory("pier-security");
        List<Object> arguments = new ArrayList<>();
        for (String name : names) {
            RecordingBackend backend = RecordingBackend.start(name);
            backends.put(name, backend);
            arguments.add(backend.url());
        }
        if (withCanary) {
            Canary created = Canary.start();
            canary = created;
            arguments.add(created.port());
        }
        PierHarness harness = PierHarness.start(dir, body.formatted(arguments.toArray()));
        pier = harness;
        harness.awaitReady();
    }

    private void stop() throws IOException {
        started = null;
        try {
            if (pier != null) {
                pier.close();
            }
        } finally {
            try {
                backends.values().forEach(RecordingBackend::close);
                if (canary != null) {
                    // Whatever the tests sent, nothing may have connected to the canary.
                    assertThat(canary.accepted()).as("connections to the canary").isZero();
                }
            } finally {
                if (canary != null) {
                    canary.close();
                }
                pier = null;
                canary = null;
                backends.clear();
                delete(dir);
                dir = null;
            }
        }
    }

    private static void delete(@Nullable Path dir) throws IOException {
        if (dir == null) {
            return;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
                Files.deleteIfExists(file);
            }
        }
    }

    private static <T> T running(@Nullable T value, String what) {
        if (value == null) {
            throw new IllegalStateException(what + " is not running (expected: @RegisterExtension, then a test)");
        }
        return value;
    }
}
