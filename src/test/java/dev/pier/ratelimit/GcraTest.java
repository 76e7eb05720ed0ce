package dev.pier.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class GcraTest {

    private static final long SECOND = Duration.ofSeconds(1).toNanos();

    @Test
    void aBurstOfThreeAtOnePerSecondAllowsThreeAtOnceAndOneMoreEachSecond() {
        Gcra gcra = new Gcra(SECOND, 1, 3);
        long now = 5 * SECOND;
        AtomicLong tat = new AtomicLong(now);

        assertThat(gcra.take(tat, now)).isEqualTo(SECOND);
        assertThat(gcra.take(tat, now)).isEqualTo(2 * SECOND);
        assertThat(gcra.take(tat, now)).isEqualTo(3 * SECOND);
        long refused = gcra.take(tat, now);
        assertThat(Gcra.allowed(refused)).isFalse();
        assertThat(-refused).isEqualTo(SECOND);
        assertThat(Gcra.seconds(refused)).isEqualTo(1);

        assertThat(Gcra.allowed(gcra.take(tat, now + SECOND - 1))).isFalse();
        assertThat(gcra.take(tat, now + SECOND)).isEqualTo(3 * SECOND);
        assertThat(Gcra.allowed(gcra.take(tat, now + SECOND))).isFalse();
    }

    @Test
    void remainingTokensCountDownToZero() {
        Gcra gcra = new Gcra(SECOND, 1, 3);
        AtomicLong tat = new AtomicLong(0);

        assertThat(gcra.remaining(gcra.take(tat, 0))).isEqualTo(2);
        assertThat(gcra.remaining(gcra.take(tat, 0))).isEqualTo(1);
        assertThat(gcra.remaining(gcra.take(tat, 0))).isEqualTo(0);
        assertThat(gcra.remaining(gcra.take(tat, 0))).isEqualTo(0);
    }

    @Test
    void anIdleBucketFillsUpToItsBurstAndNoFurther() {
        Gcra gcra = new Gcra(SECOND, 10, 5);
        AtomicLong tat = new AtomicLong(0);
        long now = 0;
        for (int i = 0; i < 5; i++) {
            assertThat(Gcra.allowed(gcra.take(tat, now))).isTrue();
        }
        now += 3600 * SECOND;
        int allowed = 0;
        while (Gcra.allowed(gcra.take(tat, now))) {
            allowed++;
        }
        assertThat(allowed).isEqualTo(5);
    }

    @Test
    void timesAreComparedByDifferenceSoTheClockMayWrapAround() {
        Gcra gcra = new Gcra(SECOND, 1, 2);
        long now = Long.MAX_VALUE - SECOND / 2;
        AtomicLong tat = new AtomicLong(now);

        assertThat(Gcra.allowed(gcra.take(tat, now))).isTrue();
        assertThat(Gcra.allowed(gcra.take(tat, now))).isTrue();
        assertThat(Gcra.allowed(gcra.take(tat, now))).isFalse();
        long later = now + SECOND; // past Long.MAX_VALUE: negative
        assertThat(later).isNegative();
        assertThat(Gcra.allowed(gcra.take(tat, later))).isTrue();
        assertThat(Gcra.allowed(gcra.take(tat, later))).isFalse();
    }

    @Test
    void theIntervalIsRoundedDownToWholeMicroseconds() {
        Gcra gcra = new Gcra(SECOND, 3, 3);

        assertThat(gcra.intervalNanos()).isEqualTo(333_333_000);
        assertThat(gcra.toleranceNanos()).isEqualTo(999_999_000);
    }

    @Test
    void threadsTakingAtOnceGetExactlyTheBurst() throws Exception {
        Gcra gcra = new Gcra(SECOND, 1, 1000);
        AtomicLong tat = new AtomicLong(0);
        int threads = 4;
        CountDownLatch start = new CountDownLatch(1);
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Integer>> allowed = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                allowed.add(pool.submit(() -> {
                    start.await();
                    int mine = 0;
                    for (int i = 0; i < 10_000; i++) {
                        if (Gcra.allowed(gcra.take(tat, 0))) {
                            mine++;
                        }
                    }
                    return mine;
                }));
            }
            start.countDown();
            int total = 0;
            for (Future<Integer> f : allowed) {
                total += f.get(30, TimeUnit.SECONDS);
            }
            assertThat(total).isEqualTo(1000);
        } finally {
            pool.shutdownNow();
        }
    }
}
