package dev.pier.logging;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.encoder.PatternLayoutEncoder;
import ch.qos.logback.classic.joran.JoranConfigurator;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.LoggingEvent;
import ch.qos.logback.classic.util.LogbackMDCAdapter;
import ch.qos.logback.core.Appender;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.Duration;
import dev.pier.testing.LogCapture;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class BatchingConsoleAppenderTest {

    private final LoggerContext context = new LoggerContext();
    private final List<BatchingConsoleAppender> started = new ArrayList<>();

    BatchingConsoleAppenderTest() {
        context.setMDCAdapter(new LogbackMDCAdapter());
    }

    @AfterEach
    void stop() {
        started.forEach(BatchingConsoleAppender::stop);
        context.stop();
    }

    @Test
    void linesArriveWholeAndInOrderWithinTheFlushInterval() {
        Output output = new Output(null);
        BatchingConsoleAppender appender = start(output, 1000, Duration.buildByMilliseconds(20));

        for (int i = 0; i < 500; i++) {
            appender.doAppend(event("line " + i));
        }

        List<String> expected = new ArrayList<>();
        for (int i = 0; i < 500; i++) {
            expected.add("line " + i);
        }
        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.lines())
                .containsExactlyElementsOf(expected));
        assertThat(appender.dropped()).isZero();
    }

    @Test
    void aStalledOutputDropsLinesAndNeverHoldsUpTheLoggingThread() throws Exception {
        CountDownLatch release = new CountDownLatch(1);
        Output output = new Output(release);
        BatchingConsoleAppender appender = start(output, 100, Duration.buildByMilliseconds(10));
        try (LogCapture events = LogCapture.of("pier.events")) {
            appender.doAppend(event("first"));
            assertThat(output.entered.await(10, TimeUnit.SECONDS)).as("the writer is stuck in a write").isTrue();

            // The writer took "first" off the queue and is stuck writing it: 100 places are left for 150 lines.
            assertTimeoutPreemptively(java.time.Duration.ofSeconds(5), () -> {
                for (int i = 0; i < 150; i++) {
                    appender.doAppend(event("more " + i));
                }
            });
            assertThat(appender.dropped()).isEqualTo(50);

            release.countDown();
            await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> {
                assertThat(output.lines()).hasSize(101).startsWith("first", "more 0").endsWith("more 99");
                assertThat(events.messages()).anySatisfy(message -> assertThat(message)
                        .contains("50 lines dropped so far"));
            });
        }
    }

    @Test
    void theMessageEncoderWritesEachMessageAndALineEndInUtf8() {
        Output output = new Output(null);
        MessageEncoder encoder = messageEncoder();
        BatchingConsoleAppender appender = startWith(output, encoder);

        appender.doAppend(event("path=/caf\u00e9 status=200"));
        appender.doAppend(event("second"));

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.lines())
                .containsExactly("path=/caf\u00e9 status=200", "second"));
        assertThat(new String(encoder.encode(event("x")), StandardCharsets.UTF_8)).isEqualTo("x\n");
    }

    @Test
    void aDeferredMessageIsFormattedOnTheWriterThreadStraightIntoTheBatch() {
        Output output = new Output(null);
        BatchingConsoleAppender appender = startWith(output, messageEncoder());
        Threads formatted = new Threads();

        appender.doAppend(deferred(new Recorded("status=200 path=/caf\u00e9", formatted)));
        appender.doAppend(event("plain"));

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.lines())
                .containsExactly("status=200 path=/caf\u00e9", "plain"));
        assertThat(formatted.names()).containsExactly("BatchingConsoleAppender-test");
    }

    @Test
    void aMessageThatFailsHalfWayLeavesNothingOfItselfAndTheOthersWhole() {
        Output output = new Output(null);
        BatchingConsoleAppender appender = startWith(output, messageEncoder());
        DeferredMessage failing = out -> {
            out.append("half a li");
            throw new IllegalStateException("broken");
        };

        appender.doAppend(event("before"));
        appender.doAppend(deferred(failing));
        appender.doAppend(event("after"));

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.lines())
                .containsExactly("before", "after"));
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anyMatch(status -> status.getLevel() == Status.ERROR && status.getMessage().contains("Formatting"));
    }

    @Test
    void anyOtherEncoderGetsADeferredMessageAsItsText() {
        Output output = new Output(null);
        BatchingConsoleAppender appender = start(output, 1000, Duration.buildByMilliseconds(20));

        appender.doAppend(deferred(new Recorded("id=7 ms=0.042", new Threads())));

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.lines())
                .containsExactly("id=7 ms=0.042"));
    }

    @Test
    void batchLinesWaitingWakeTheWriterBeforeTheFlushInterval() {
        Output output = new Output(null);
        BatchingConsoleAppender appender = new BatchingConsoleAppender(() -> output);
        appender.setContext(context);
        appender.setName("test");
        appender.setEncoder(encoder());
        appender.setBatchLines(10);
        appender.setFlushInterval(Duration.buildByHours(1));
        appender.start();
        started.add(appender);
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writerParked(appender));

        for (int i = 0; i < 10; i++) {
            appender.doAppend(event("waiting " + i));
        }
        assertThat(output.lines()).isEmpty();
        appender.doAppend(event("the eleventh"));

        await().atMost(java.time.Duration.ofSeconds(10)).untilAsserted(() -> assertThat(output.lines())
                .hasSize(11).endsWith("the eleventh"));
    }

    @Test
    void stopWritesWhatIsStillQueued() {
        Output output = new Output(null);
        BatchingConsoleAppender appender = start(output, 1000, Duration.buildByHours(1));
        // The writer's first round may have run already; what follows waits for the next, an hour away.
        await().atMost(java.time.Duration.ofSeconds(10)).until(() -> writerParked(appender));
        for (int i = 0; i < 10; i++) {
            appender.doAppend(event("queued " + i));
        }
        assertThat(output.lines()).isEmpty();

        appender.stop();

        assertThat(output.lines()).hasSize(10).endsWith("queued 9");
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("BatchingConsoleAppender-test")
                && t.isAlive());
    }

    @Test
    void theBundledConfigurationStartsItForTheAccessLog() throws Exception {
        JoranConfigurator configurator = new JoranConfigurator();
        configurator.setContext(context);
        configurator.doConfigure(Path.of("etc/logback.xml").toFile());

        assertThat(context.getStatusManager().getCopyOfStatusList())
                .noneMatch(status -> status.getLevel() >= Status.WARN);
        Logger access = context.getLogger("pier.access");
        assertThat(access.isAdditive()).isFalse();
        Appender<ILoggingEvent> appender = access.getAppender("ACCESS");
        assertThat(appender).isInstanceOf(BatchingConsoleAppender.class);
        assertThat(appender.isStarted()).isTrue();
        assertThat(Thread.getAllStackTraces().keySet()).anyMatch(t -> t.getName().equals("BatchingConsoleAppender-ACCESS"));
        context.stop();
        assertThat(appender.isStarted()).isFalse();
    }

    @Test
    void aWrongTargetIsAnErrorAndTheAppenderStaysStopped() {
        BatchingConsoleAppender appender = new BatchingConsoleAppender();
        appender.setContext(context);
        appender.setEncoder(encoder());
        appender.setTarget("System.in");

        appender.start();

        assertThat(appender.isStarted()).isFalse();
        assertThat(context.getStatusManager().getCopyOfStatusList())
                .anyMatch(status -> status.getLevel() == Status.ERROR && status.getMessage().contains("System.in"));
    }

    private static boolean writerParked(BatchingConsoleAppender appender) {
        return Thread.getAllStackTraces().keySet().stream()
                .filter(t -> t.getName().equals("BatchingConsoleAppender-test"))
                .anyMatch(t -> t.getState() == Thread.State.TIMED_WAITING);
    }

    private BatchingConsoleAppender start(Output output, int queueSize, Duration flushInterval) {
        BatchingConsoleAppender appender = new BatchingConsoleAppender(() -> output);
        appender.setContext(context);
        appender.setName("test");
        appender.setEncoder(encoder());
        appender.setQueueSize(queueSize);
        appender.setFlushInterval(flushInterval);
        appender.start();
        assertThat(appender.isStarted()).isTrue();
        started.add(appender);
        return appender;
    }

    /** Starts an appender with {@code encoder} that writes every 20 ms. */
    private BatchingConsoleAppender startWith(Output output, MessageEncoder encoder) {
        BatchingConsoleAppender appender = new BatchingConsoleAppender(() -> output);
        appender.setContext(context);
        appender.setName("test");
        appender.setEncoder(encoder);
        appender.setFlushInterval(Duration.buildByMilliseconds(20));
        appender.start();
        started.add(appender);
        return appender;
    }

    private MessageEncoder messageEncoder() {
        MessageEncoder encoder = new MessageEncoder();
        encoder.setContext(context);
        encoder.start();
        return encoder;
    }

    private PatternLayoutEncoder encoder() {
        PatternLayoutEncoder encoder = new PatternLayoutEncoder();
        encoder.setContext(context);
        encoder.setPattern("%msg%n");
        encoder.start();
        return encoder;
    }

    private ILoggingEvent event(String message) {
        return new LoggingEvent(Logger.class.getName(), context.getLogger("pier.access"), Level.INFO, message, null,
                null);
    }

    private ILoggingEvent deferred(DeferredMessage message) {
        return new LoggingEvent(Logger.class.getName(), context.getLogger("pier.access"), Level.INFO, "{}", null,
                new Object[] {message});
    }

    /** The names of the threads that formatted a message. Thread-safe. */
    private static final class Threads {
        private final List<String> names = new ArrayList<>();

        synchronized void add() {
            names.add(Thread.currentThread().getName());
        }

        synchronized List<String> names() {
            return List.copyOf(names);
        }
    }

    /** A message of fixed text that notes each thread that formats it. */
    private record Recorded(String text, Threads threads) implements DeferredMessage {
        @Override
        public void writeTo(LineBuffer out) {
            threads.add();
            out.append(text);
        }

        @Override
        public String toString() {
            LineBuffer out = new LineBuffer(16);
            writeTo(out);
            return out.toString();
        }
    }

    /** What the appender wrote; when {@code release} is set, the first write waits for it. Thread-safe. */
    private static final class Output extends OutputStream {
        private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        private final CountDownLatch entered = new CountDownLatch(1);
        private final CountDownLatch release;

        Output(CountDownLatch release) {
            this.release = release == null ? new CountDownLatch(0) : release;
        }

        @Override
        public void write(int b) throws IOException {
            write(new byte[] {(byte) b}, 0, 1);
        }

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
            entered.countDown();
            try {
                if (!release.await(30, TimeUnit.SECONDS)) {
                    throw new IOException("never released");
                }
            } catch (InterruptedException e) {
                throw new InterruptedIOException();
            }
            synchronized (bytes) {
                bytes.write(b, off, len);
            }
        }

        List<String> lines() {
            String text;
            synchronized (bytes) {
                text = bytes.toString(StandardCharsets.UTF_8);
            }
            return text.isEmpty() ? List.of() : List.of(text.split("\n"));
        }
    }
}
