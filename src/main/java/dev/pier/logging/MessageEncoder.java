package dev.pier.logging;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Writes an event as its message and a line end ({@code \n}), in UTF-8, and nothing else: what the pattern
 * {@code %msg%n} gives, for lines that are formatted already (Pier's access log), without a pattern layout's
 * builder and copies. {@link BatchingConsoleAppender} has it write straight into its batch: a
 * {@link DeferredMessage} formats itself there, with no string in between. Immutable once started.
 */
public final class MessageEncoder extends EncoderBase<ILoggingEvent> {

    @Override
    public byte @Nullable [] headerBytes() {
        return null;
    }

    @Override
    public byte[] encode(ILoggingEvent event) {
        byte[] message = event.getFormattedMessage().getBytes(StandardCharsets.UTF_8);
        byte[] line = Arrays.copyOf(message, message.length + 1);
        line[message.length] = '\n';
        return line;
    }

    /** Writes what {@link #encode} gives to {@code out}, without the copies. */
    void writeTo(ILoggingEvent event, LineBuffer out) {
        DeferredMessage message = deferred(event);
        if (message != null) {
            message.writeTo(out);
        } else {
            out.append(event.getFormattedMessage());
        }
        out.append('\n');
    }

    /** The message of an event logged as {@code ("{}", message)}, or null for any other event. */
    static @Nullable DeferredMessage deferred(ILoggingEvent event) {
        Object[] arguments = event.getArgumentArray();
        return arguments != null && arguments.length == 1 && arguments[0] instanceof DeferredMessage message
                && "{}".equals(event.getMessage()) ? message : null;
    }

    @Override
    public byte @Nullable [] footerBytes() {
        return null;
    }
}
