package dev.pier.ratelimit;

import dev.pier.testing.LogCapture;
import java.util.List;

/** Captures what the {@code pier.events} logger writes while it is open. Thread-safe. */
final class EventLog implements AutoCloseable {

    private final LogCapture capture = LogCapture.of("pier.events");

    /** The messages of pier.events so far. */
    List<String> lines() {
        return capture.messages();
    }

    @Override
    public void close() {
        capture.close();
    }
}
