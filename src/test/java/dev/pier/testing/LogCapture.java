package dev.pier.testing;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.slf4j.LoggerFactory;

/**
 * Captures the messages of one logger while it is open: a logback appender attached to that logger, which sees each
 * event synchronously, on the thread that logs it, whatever appenders the configuration has. Thread-safe.
 */
public final class LogCapture implements AutoCloseable {

    private final Logger logger;
    private final List<String> messages = new CopyOnWriteArrayList<>();
    private final AppenderBase<ILoggingEvent> appender = new AppenderBase<>() {
        @Override
        protected void append(ILoggingEvent event) {
            messages.add(event.getFormattedMessage());
        }
    };

    private LogCapture(String name) {
        this.logger = (Logger) LoggerFactory.getLogger(name);
        appender.setContext(logger.getLoggerContext());
        appender.setName("capture-" + name);
        appender.start();
        logger.addAppender(appender);
    }

    /** Starts capturing what {@code name} logs. */
    public static LogCapture of(String name) {
        return new LogCapture(name);
    }

    /** The messages so far, in order. */
    public List<String> messages() {
        return List.copyOf(messages);
    }

    @Override
    public void close() {
        logger.detachAppender(appender);
        appender.stop();
    }
}
