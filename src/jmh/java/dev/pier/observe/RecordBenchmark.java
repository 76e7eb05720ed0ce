package dev.pier.observe;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Timer;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.HdrHistogram.Recorder;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What recording one answer's latency costs the request thread: what Pier records (the Prometheus histogram's
 * buckets and the status's {@link LatencyWindow}), a Micrometer timer that also keeps the sliding p50/p99 (what
 * Pier did before), the buckets alone, the window alone, a counter, and a bare HdrHistogram recorder.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RecordBenchmark {
    private static final Duration[] BUCKETS = {
        Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
        Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
        Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10)};
    Timer withPercentiles;
    Timer bucketsOnly;
    Counter counter;
    Recorder recorder;
    LatencyWindow window;
    long value = 1_234_567;

    @Setup
    public void setUp() {
        PrometheusMeterRegistry registry = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
        withPercentiles = Timer.builder("a").serviceLevelObjectives(BUCKETS).publishPercentiles(0.5, 0.99)
                .distributionStatisticExpiry(Duration.ofSeconds(60)).register(registry);
        bucketsOnly = Timer.builder("b").serviceLevelObjectives(BUCKETS).register(registry);
        counter = Counter.builder("c").register(registry);
        recorder = new Recorder(2);
        window = new LatencyWindow(Duration.ofSeconds(60), System.nanoTime());
    }

    @Benchmark public void percentiles() { withPercentiles.record(value += 7, TimeUnit.NANOSECONDS); }
    @Benchmark public void buckets() { bucketsOnly.record(value += 7, TimeUnit.NANOSECONDS); }
    @Benchmark public void counter() { counter.increment(); }
    @Benchmark public void window() { window.record(value += 7, System.nanoTime()); }
    @Benchmark public void pier() {
        bucketsOnly.record(value += 7, TimeUnit.NANOSECONDS);
        window.record(value, System.nanoTime());
    }
    @Benchmark public void hdrRecorder() { recorder.recordValue((value += 7) / 1000); }
}
