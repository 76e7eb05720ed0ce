package dev.pier.ratelimit;

import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitingSettings;
import dev.pier.config.RedisSettings;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.RequestContext;
import dev.pier.pipeline.RequestHead;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * The cost of a local rate-limit decision, over one key and over 100,000 keys (cycled through, so that every
 * lookup misses the CPU caches): the bucket alone ({@code take}) and the whole stage with {@code headers = none}
 * ({@code stage}), as a request thread pays it. With {@code clock = synthetic} the clock moves one emission
 * interval per decision, so that every decision is allowed (the path that must allocate nothing); with
 * {@code system} it is {@code System.nanoTime()}, and most decisions on one key are refusals. Run with
 * {@code -prof gc} for the bytes per decision. The setup of 100,000 keys prints the heap that each bucket keeps.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RateLimitBenchmark {

    @Param({"1", "100000"})
    public int keys;

    @Param({"synthetic", "system"})
    public String clock;

    private String[] addresses = new String[0];
    private RequestContext[] contexts = new RequestContext[0];
    private LocalBuckets buckets = new LocalBuckets(new Gcra(1_000_000_000L, 1, 1), 1, System::nanoTime);
    private @Nullable RateLimitStage stage;
    private int next;

    /** One microsecond per decision: the emission interval of a million per second. */
    private long now = 1_000_000_000_000L;

    @Setup
    public void setUp() {
        LongSupplier ticks = clock.equals("synthetic") ? () -> now += 1_000 : System::nanoTime;
        // A million per second, burst of a million: a bucket refills between two visits, and never expires.
        RateLimitPolicySettings policy = new RateLimitPolicySettings("per-client",
                new RateLimitPolicySettings.Key(RateLimitPolicySettings.KeyKind.CLIENT_IP, ""), 1_000_000,
                Duration.ofSeconds(1), 1_000_000, RateLimitPolicySettings.MissingKey.CLIENT_IP, List.of(), false, 64);
        int maxKeys = 2 * keys;
        if (keys >= 100_000) {
            printBytesPerKey(policy, maxKeys);
        }
        buckets = new LocalBuckets(new Gcra(policy.period().toNanos(), policy.rate(), policy.burst()), maxKeys, ticks);
        RateLimitingSettings settings = new RateLimitingSettings(Map.of(policy.name(), policy),
                RateLimitingSettings.Store.LOCAL, maxKeys, RateLimitingSettings.Headers.NONE,
                new RedisSettings("redis://127.0.0.1:6379", Duration.ofMillis(50), RedisSettings.OnError.LOCAL, 3,
                        Duration.ofSeconds(5)));
        stage = RateLimits.build(settings, Map.of("/api", List.of(policy.name())), null, ticks).stage("/api");
        addresses = new String[keys];
        contexts = new RequestContext[keys];
        for (int i = 0; i < keys; i++) {
            addresses[i] = address(i);
            contexts[i] = new RequestContext(new Head(addresses[i]), 0);
            buckets.take(addresses[i]);
            stage.onRequest(contexts[i]);
        }
    }

    @Benchmark
    public long take() {
        int i = next;
        next = i + 1 == keys ? 0 : i + 1;
        return buckets.take(addresses[i]);
    }

    @Benchmark
    public @Nullable LocalReply stage() {
        int i = next;
        next = i + 1 == keys ? 0 : i + 1;
        return stage.onRequest(contexts[i]);
    }

    private static String address(int i) {
        return "10." + (i >> 16 & 0xff) + "." + (i >> 8 & 0xff) + "." + (i & 0xff);
    }

    /** The heap kept per bucket, its IPv4 key included: filled with {@code keys} buckets, minus empty. */
    private void printBytesPerKey(RateLimitPolicySettings policy, int maxKeys) {
        long[] tick = {0};
        LongSupplier frozen = () -> tick[0];
        long before = usedHeap();
        LocalBuckets filled = new LocalBuckets(new Gcra(policy.period().toNanos(), policy.rate(), policy.burst()),
                maxKeys, frozen);
        for (int i = 0; i < keys; i++) {
            filled.take(address(i));
        }
        long size = filled.size();
        long after = usedHeap();
        System.out.printf("%nHeap kept per bucket (IPv4 key included): %d bytes, over %d buckets%n",
                (after - before) / size, size);
        if (filled.size() != size) {
            throw new AssertionError("buckets lost while measuring");
        }
    }

    private static long usedHeap() {
        for (int i = 0; i < 4; i++) {
            System.gc();
        }
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
    }

    /** The head of a request from {@code peer}, without headers or cookies. */
    private record Head(String peerAddress) implements RequestHead {

        @Override
        public String method() {
            return "GET";
        }

        @Override
        public String path() {
            return "/api/items";
        }

        @Override
        public @Nullable String header(String name) {
            return null;
        }

        @Override
        public List<String> headers(String name) {
            return List.of();
        }

        @Override
        public @Nullable String cookie(String name) {
            return null;
        }
    }
}
