package dev.pier.admin;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import org.eclipse.jetty.logging.JettyLogger;
import org.eclipse.jetty.logging.StdErrAppender;
import org.slf4j.LoggerFactory;

/**
 * Captures what the {@code pier.events} logger writes while it is open (Jetty's SLF4J provider has one appender
 * for every logger, whose stream this swaps; other lines are dropped). Not thread-safe: one test at a time.
 */
final class PierEvents implements AutoCloseable {

    private final StdErrAppender appender;
    private final PrintStream original;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();

    PierEvents() {
        JettyLogger logger = (JettyLogger) LoggerFactory.getLogger("pier.events");
        this.appender = (StdErrAppender) logger.getAppender();
        this.original = appender.getStream();
        appender.setStream(new PrintStream(bytes, true, StandardCharsets.UTF_8));
    }

    /** The lines of pier.events so far. */
    synchronized List<String> lines() {
        return Arrays.stream(bytes.toString(StandardCharsets.UTF_8).split("\n"))
                .filter(line -> line.contains(".events:"))  // Jetty condenses the name to p.events
                .toList();
    }

    @Override
    public void close() {
        appender.setStream(original);
    }
}
