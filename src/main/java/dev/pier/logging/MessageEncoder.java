package dev.pier.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Writes an event as its message and a line end ({@code \n}), in UTF-8, and nothing else: what the pattern
 * {@code %msg%n} gives, for lines that are formatted already (Pier's access log), without a pattern layout's
 * builder and copies. {@link BatchingConsoleAppender} writes the message's bytes straight into its buffer: one
 * array a line. Immutable once started.
 */
public final class MessageEncoder extends EncoderBase<ILoggingEvent> {

    private static final byte[] LINE_END = {'\n'};

    @Override
    public byte @Nullable [] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] message = event.getFormattedMessage().getBytes(StandardCharsets.UTF_8);
        byte[] line = Arrays.copyOf(message, message.length + 1);
        line[message.length] = LINE_END[0];
        return line;
    }

    /** Writes what {@link #encode} gives to {@code out}, without the copy. */
    void writeTo(ILoggingEvent event, OutputStream out) throws IOException {
        out.write(event.getFormattedMessage().getBytes(StandardCharsets.UTF_8));
        out.write(LINE_END);
    }

    @Override
    public byte @Nullable [] footerBytes() {
        return null;
    }
}
