package dev.pier.logging;

/**
 * A log message that is formatted where it is written, not where it is logged: logged as the one argument of
 * {@code "{}"} ({@code logger.info("{}", message)}), it is immutable, and its text is what {@link #writeTo} writes
 * ({@link #toString} gives the same, for every other appender and encoder). {@link BatchingConsoleAppender} then
 * leaves the logging thread with no formatting to do: its writer thread writes the message's bytes straight into
 * the batch. Implementations are immutable and thread-safe.
 */
public interface DeferredMessage {

    /** Writes the message's text, without a line end. */
    void writeTo(LineBuffer out);

}
