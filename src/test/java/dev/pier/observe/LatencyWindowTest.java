package dev.pier.observe;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** The status's sliding latency percentiles, on a clock the test moves. */
class LatencyWindowTest {

    private static final long SECOND = TimeUnit.SECONDS.toNanos(1);
    private static final long MILLI = TimeUnit.MILLISECONDS.toNanos(1);
    private static final long T0 = 1_000 * SECOND;

    @Test
    void percentilesAreThoseOfTheRecordedLatenciesToTwoDigits() {
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(60), T0);
        for (int ms = 1; ms <= 1000; ms++) {
            window.record(ms * MILLI, T0 + ms * MILLI);
        }

        long[] values = window.percentiles(T0 + 2 * SECOND, 50, 99, 100);

        assertThat((double) values[0]).isCloseTo(500 * MILLI, within(5.0 * MILLI));
        assertThat((double) values[1]).isCloseTo(990 * MILLI, within(10.0 * MILLI));
        assertThat((double) values[2]).isCloseTo(1000 * MILLI, within(10.0 * MILLI));
        assertThat(window.count(T0 + 2 * SECOND)).isEqualTo(1000);
    }

    @Test
    void anEmptyWindowGivesZeros() {
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(60), T0);

        assertThat(window.percentiles(T0 + SECOND, 50, 99)).containsExactly(0, 0);
    }

    @Test
    void latenciesStayForTwoThirdsOfTheWindowAtLeastAndAreGoneAfterAllOfIt() {
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(60), T0);
        window.record(7 * MILLI, T0 + SECOND);

        assertThat(window.count(T0 + 40 * SECOND)).isEqualTo(1);
        assertThat(window.percentiles(T0 + 40 * SECOND, 50)[0]).isBetween(7 * MILLI, 8 * MILLI);
        assertThat(window.count(T0 + 61 * SECOND)).isZero();
        assertThat(window.percentiles(T0 + 61 * SECOND, 50)).containsExactly(0);
    }

    @Test
    void recordsMoveTheWindowOnWithoutAnyRead() {
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(3), T0);
        window.record(100 * MILLI, T0);
        // One record a second for ten seconds: each slice end is passed by a record, not by a read.
        for (int s = 1; s <= 10; s++) {
            window.record(2 * MILLI, T0 + s * SECOND);
        }

        long[] p100 = window.percentiles(T0 + 10 * SECOND, 100);

        assertThat(p100[0]).isLessThan(3 * MILLI);
        assertThat(window.count(T0 + 10 * SECOND)).isBetween(2L, 3L);
    }

    @Test
    void aLongSilenceEmptiesTheWholeRing() {
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(60), T0);
        for (int s = 0; s < 60; s++) {
            window.record(5 * MILLI, T0 + s * SECOND);
        }

        window.record(50 * MILLI, T0 + 3600 * SECOND);

        assertThat(window.count(T0 + 3600 * SECOND)).isEqualTo(1);
        assertThat(window.percentiles(T0 + 3600 * SECOND, 50)[0]).isBetween(50 * MILLI, 51 * MILLI);
    }

    @Test
    void recordsFromManyThreadsWhileReadingAreAllCounted() throws Exception {
        LatencyWindow window = new LatencyWindow(Duration.ofSeconds(60), T0);
        int threads = 4;
        int each = 50_000;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        CountDownLatch start = new CountDownLatch(1);
        try {
            List<Future<?>> writers = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                writers.add(pool.submit(() -> {
                    start.await();
                    for (int i = 0; i < each; i++) {
                        window.record((1 + i % 100) * MILLI, T0 + i * 100_000L);
                    }
                    return null;
                }));
            }
            start.countDown();
            while (!writers.stream().allMatch(Future::isDone)) {
                assertThat(window.count(T0 + SECOND)).isLessThanOrEqualTo((long) threads * each);
            }
            for (Future<?> writer : writers) {
                writer.get(30, TimeUnit.SECONDS);
            }
        } finally {
            pool.shutdownNow();
        }

        assertThat(window.count(T0 + 10 * SECOND)).isEqualTo((long) threads * each);
    }

    @Test
    void theWindowMustBePositive() {
        assertThatThrownBy(() -> new LatencyWindow(Duration.ZERO, T0)).isInstanceOf(IllegalArgumentException.class);
    }
}
