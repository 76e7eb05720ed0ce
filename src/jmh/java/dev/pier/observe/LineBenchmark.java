package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.config.AccessLogSettings.Format;
import dev.pier.logging.LineBuffer;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;

/**
 * What one access-log line costs: taking its values on the request's thread ({@code snapshot}), formatting them
 * into the writer's batch ({@code writeLogfmt}, {@code writeJson}), and, for comparison, formatting them into a
 * string of its own as any other appender does ({@code toText}).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class LineBenchmark {
    RequestOutcome outcome;
    AccessLog logfmt;
    AccessLine line;
    AccessLine json;
    final LineBuffer batch = new LineBuffer(65536);

    @Setup
    public void setUp() {
        long start = 1_000_000_000L;
        outcome = Outcomes.outcome("/api/orders/42", null, "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01",
                start);
        outcome.sent(start + 118_000);
        outcome.answered(200, start + 2_929_000);
        outcome.wrote(512);
        outcome.end(200, new Backend("http://10.0.0.3:8080", "10.0.0.3", 8080, 1),
                List.of(new Backend("http://10.0.0.3:8080", "10.0.0.3", 8080, 1)), start + 3_912_000);
        logfmt = Outcomes.log(Format.LOGFMT, false);
        line = logfmt.snapshot(outcome);
        json = Outcomes.log(Format.JSON, false).snapshot(outcome);
    }

    @Benchmark public AccessLine snapshot() { return logfmt.snapshot(outcome); }

    @Benchmark public int writeLogfmt() {
        batch.clear();
        line.writeTo(batch);
        return batch.length();
    }

    @Benchmark public int writeJson() {
        batch.clear();
        json.writeTo(batch);
        return batch.length();
    }

    @Benchmark public String toText() { return line.toString(); }
}
