package dev.pier.ratelimit;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class LocalBucketsTest {

    private final FakeClock clock = new FakeClock();

    @Test
    void aMillionSprayedKeysStayWithinMaxKeys() {
        LocalBuckets buckets = new LocalBuckets(new Gcra(Duration.ofSeconds(1).toNanos(), 100, 200), 10_000, clock);

        for (int i = 0; i < 1_000_000; i++) {
            String address = "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
            assertThat(Gcra.allowed(buckets.take(address))).isTrue();
            if (i % 100_000 == 99_999) {
                assertThat(buckets.size()).isLessThanOrEqualTo(10_000);
            }
        }
        assertThat(buckets.size()).isLessThanOrEqualTo(10_000);
    }

    @Test
    void anIdleBucketIsDroppedOnceItWouldBeFullAgain() {
        LocalBuckets buckets = new LocalBuckets(new Gcra(Duration.ofSeconds(1).toNanos(), 1, 3), 100, clock);
        buckets.take("a");
        buckets.take("a");

        clock.advance(Duration.ofMillis(2999));
        assertThat(buckets.size()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(buckets.size()).isZero();
    }

    @Test
    void aBucketInUseIsKeptAsLongAsItIsNotFull() {
        LocalBuckets buckets = new LocalBuckets(new Gcra(Duration.ofSeconds(1).toNanos(), 1, 3), 100, clock);
        for (int i = 0; i < 4; i++) {
            buckets.take("a");
        }
        clock.advance(Duration.ofMillis(2500));
        assertThat(Gcra.allowed(buckets.take("a"))).isTrue();
        assertThat(Gcra.allowed(buckets.take("a"))).isTrue();
        assertThat(Gcra.allowed(buckets.take("a"))).isFalse();
        assertThat(buckets.size()).isEqualTo(1);
    }

    @Test
    void aLowerMaxKeysTakesEffectOnTheBucketsKept() {
        LocalBuckets buckets = new LocalBuckets(new Gcra(Duration.ofSeconds(1).toNanos(), 1, 3), 1000, clock);
        for (int i = 0; i < 1000; i++) {
            buckets.take("k" + i);
        }
        buckets.maxKeys(10);

        assertThat(buckets.size()).isLessThanOrEqualTo(10);
    }
}
