package dev.pier.routing;

import dev.pier.config.BackendSettings;
import dev.pier.config.BackendTls;
import dev.pier.config.HashKeySettings;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import dev.pier.config.PassiveHealthSettings;
import dev.pier.config.PolicyName;
import dev.pier.config.RouteSettings;
import dev.pier.config.RouteStageSettings;
import dev.pier.config.WhenAllDown;
import java.time.Duration;
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
 * The cost of finding a request's route. {@code pathOnly} is the match of a router without hosts, the algorithm
 * from before routes by host (longest prefix over the routes for any host); {@code hostAndPath} is the match
 * with the request's host, over the same routes plus 50 exact hosts of 3 prefixes each and 10 wildcards. Run
 * with the GC profiler to see that neither allocates.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
public class RouterBenchmark {

    private static final HealthCheckSettings HEALTH = new HealthCheckSettings(HealthCheckKind.HTTP, "/health",
            Duration.ofSeconds(10), Duration.ofSeconds(3), 2, 3);

    /** Which host the request names: an exact one, a deep wildcard one, one no route names, or none. */
    @Param({"exact", "wildcard", "unknown", "none"})
    public String host;

    private Router withoutHosts = new Router(List.of());
    private Router withHosts = new Router(List.of());
    private @Nullable String requestHost;
    private String path = "/";

    private static RouteSettings route(String prefix, List<String> hosts) {
        String name = hosts.isEmpty() ? prefix : hosts.get(0) + prefix;
        return new RouteSettings(prefix, false, PolicyName.ROUND_ROBIN,
                List.of(new BackendSettings("http", "127.0.0.1", 8081, 1)), Duration.ofSeconds(30), HEALTH,
                new HashKeySettings(HashKeySettings.Source.CLIENT_IP, ""), "pier-sticky", 2,
                new PassiveHealthSettings(3, false), WhenAllDown.FAIL, -1, RouteStageSettings.NONE, List.of(),
                BackendTls.DEFAULT, name, hosts,
                new dev.pier.config.WebSocketSettings(Duration.ofHours(1), 1 << 20));
    }

    @Setup
    public void setUp() {
        List<RouteSettings> anyHost = new ArrayList<>();
        for (String prefix : List.of("/", "/api", "/api/users", "/api/orders", "/static", "/web", "/web/app",
                "/svc/a", "/svc/b", "/svc/c")) {
            anyHost.add(route(prefix, List.of()));
        }
        List<RouteSettings> all = new ArrayList<>(anyHost);
        for (int i = 0; i < 50; i++) {
            for (String prefix : List.of("/", "/v1", "/v1/admin")) {
                all.add(route(prefix, List.of("svc" + i + ".example.com")));
            }
        }
        for (int i = 0; i < 10; i++) {
            all.add(route("/", List.of("*.tenant" + i + ".example.org")));
        }
        withoutHosts = Router.of(anyHost);
        withHosts = Router.of(all);
        path = "/api/users/4711/profile";
        requestHost = switch (host) {
            case "exact" -> "Svc42.Example.com";
            case "wildcard" -> "a.b.tenant7.example.org";
            case "unknown" -> "www.other.test";
            case "none" -> null;
            default -> throw new IllegalArgumentException(host);
        };
    }

    @Benchmark
    public @Nullable Route pathOnly() {
        return withoutHosts.match(path);
    }

    @Benchmark
    public @Nullable Route hostAndPath() {
        return withHosts.match(requestHost, path);
    }
}
