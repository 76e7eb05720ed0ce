package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
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
 * The cost of choosing a backend, per policy, over 3 and 100 eligible backends: what a request thread pays on
 * the hot path. Run with the GC profiler to see the bytes allocated per choice.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class ChooseBackendBenchmark {

    @Param({"round-robin", "weighted-round-robin", "least-connections", "random-two-choices", "consistent-hash",
            "sticky-cookie"})
    public String policy;

    @Param({"3", "100"})
    public int backends;

    private List<Backend> eligible = List.of();
    private BalancingPolicy chooser = BalancingPolicy.roundRobin();
    private RequestInfo request = RequestInfo.NONE;

    @Setup
    public void setUp() {
        List<Backend> list = new ArrayList<>();
        for (int i = 0; i < backends; i++) {
            int weight = policy.equals("weighted-round-robin") ? 1 + i % 5 : 1;
            list.add(new Backend("http://10.0.0." + (i % 250) + ":" + (8000 + i), "10.0.0." + (i % 250), 8000 + i,
                    weight));
        }
        eligible = List.copyOf(list);
        chooser = switch (policy) {
            case "round-robin", "weighted-round-robin" -> BalancingPolicy.roundRobin();
            case "least-connections" -> BalancingPolicy.leastConnections();
            case "random-two-choices" -> BalancingPolicy.randomTwoChoices();
            case "consistent-hash" -> BalancingPolicy.consistentHash(HashKey.header("X-User"));
            case "sticky-cookie" -> BalancingPolicy.stickyCookie("pier-sticky", "/");
            default -> throw new IllegalArgumentException(policy);
        };
        // A sticky client whose cookie names the last backend: the longest scan.
        String cookie = chooser instanceof StickyCookiePolicy sticky ? sticky.id(eligible.get(backends - 1)) : "";
        request = new RequestInfo() {
            @Override
            public @Nullable String header(String name) {
                return "user-4711";
            }

            @Override
            public @Nullable String cookie(String name) {
                return cookie;
            }

            @Override
            public String clientAddress() {
                return "192.168.1.10";
            }
        };
        // Some load for the policies that read it.
        for (int i = 0; i < backends; i++) {
            for (int j = 0; j < i % 4; j++) {
                eligible.get(i).requestSent();
            }
        }
    }

    @Benchmark
    public @Nullable Backend choose() {
        return chooser.select(eligible, request);
    }
}
