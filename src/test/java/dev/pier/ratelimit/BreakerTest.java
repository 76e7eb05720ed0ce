package dev.pier.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BreakerTest {

    private final FakeClock clock = new FakeClock();
    private final Breaker breaker = new Breaker("Redis 127.0.0.1:6379", 3, Duration.ofSeconds(5).toNanos(), clock);
    private final IOException refused = new IOException("Connection refused");

    @Test
    void itOpensAfterThreeFailuresInARowAndLogsItOnce() {
        try (EventLog log = new EventLog()) {
            breaker.failed(refused);
            breaker.failed(refused);
            assertThat(breaker.allows()).isTrue();
            breaker.failed(refused);

            assertThat(breaker.isOpen()).isTrue();
            assertThat(breaker.allows()).isFalse();
            breaker.failed(refused);
            assertThat(log.lines()).singleElement().asString()
                    .contains("Rate limiting: Redis 127.0.0.1:6379 failed 3 times in a row "
                            + "(last: IOException: Connection refused); rate limits follow on-error, and Pier asks "
                            + "again every 5000 ms");
        }
    }

    @Test
    void aSuccessBetweenFailuresStartsTheCountAgain() {
        breaker.failed(refused);
        breaker.failed(refused);
        breaker.succeeded();
        breaker.failed(refused);
        breaker.failed(refused);

        assertThat(breaker.isOpen()).isFalse();
    }

    @Test
    void onceThePauseIsOverOneCallerTriesAndASuccessClosesIt() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(refused);
        }
        try (EventLog log = new EventLog()) {
            clock.advance(Duration.ofMillis(4999));
            assertThat(breaker.allows()).isFalse();
            clock.advance(Duration.ofMillis(1));
            assertThat(breaker.allows()).isTrue();
            assertThat(breaker.allows()).isFalse();

            breaker.succeeded();
            breaker.succeeded();

            assertThat(breaker.isOpen()).isFalse();
            assertThat(breaker.allows()).isTrue();
            assertThat(log.lines()).singleElement().asString()
                    .contains("Rate limiting: Redis 127.0.0.1:6379 answers again; rate limits are decided there again");
        }
    }

    @Test
    void aFailedTryPausesAgain() {
        for (int i = 0; i < 3; i++) {
            breaker.failed(refused);
        }
        clock.advance(Duration.ofSeconds(5));
        assertThat(breaker.allows()).isTrue();
        breaker.failed(refused);

        clock.advance(Duration.ofMillis(4999));
        assertThat(breaker.allows()).isFalse();
        clock.advance(Duration.ofMillis(1));
        assertThat(breaker.allows()).isTrue();
    }
}
