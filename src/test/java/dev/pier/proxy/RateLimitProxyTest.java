package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.RedisServer;
import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Rate limits through the proxy: a refused request never reaches a backend; Pier instances share Redis. */
@Timeout(60)
class RateLimitProxyTest {

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    @TempDir
    Path dir;
    private final TestBackend backend = TestBackend.start("a");
    private final List<PierHarness> piers = new ArrayList<>();

    @AfterEach
    void stop() {
        piers.forEach(PierHarness::close);
        backend.close();
    }

    private PierHarness start(String name, String rateLimiting) throws Exception {
        Path own = Files.createDirectories(dir.resolve(name));
        PierHarness pier = PierHarness.start(own, """
                health-check { interval = 1h }
                rate-limits { per-client { key = client-ip, rate = 1, period = 60s, burst = %d } }
                rate-limiting { %s }
                routes = [
                  { prefix = "/limited", rate-limit = ["per-client"], backends = ["%s"] }
                  { prefix = "/free", backends = ["%3$s"] }
                ]
                """.formatted(rateLimiting.contains("redis") ? 10 : 3, rateLimiting, backend.url()));
        pier.awaitReady();
        piers.add(pier);
        return pier;
    }

    @Test
    void theRequestOverTheBurstGets429AndNeverReachesTheBackend() throws Exception {
        PierHarness pier = start("local", "store = local");
        for (int i = 0; i < 3; i++) {
            ContentResponse allowed = pier.get("/limited/" + i);
            assertThat(allowed.getStatus()).isEqualTo(200);
            assertThat(allowed.getHeaders().get("RateLimit")).isEqualTo("\"per-client\";r=" + (2 - i) + ";t=" + (60 * (i + 1)));
        }
        ContentResponse refused = pier.get("/limited/3");
        assertThat(refused.getStatus()).isEqualTo(429);
        assertThat(refused.getHeaders().get("Retry-After")).isEqualTo("60");
        assertThat(refused.getHeaders().get("Cache-Control")).isEqualTo("no-store");
        assertThat(refused.getHeaders().get("RateLimit-Policy")).isEqualTo("\"per-client\";q=3;w=180");
        assertThat(refused.getMediaType()).isEqualTo("application/problem+json");
        assertThat(refused.getContentAsString()).contains("per-client")
                .contains(refused.getHeaders().get("X-Request-Id"));
        assertThat(backend.paths()).containsExactly("/limited/0", "/limited/1", "/limited/2");
        // Other routes, Pier's own endpoints and unknown paths cost no token of this route.
        assertThat(pier.get("/free/x").getStatus()).isEqualTo(200);
        assertThat(pier.get("/_pier/status").getStatus()).isEqualTo(200);
    }

    @Test
    void aSpoofedForwardedForFromAnUntrustedPeerDoesNotBuyAFreshBucket() throws Exception {
        PierHarness pier = start("spoofed", "store = local");
        for (int i = 0; i < 3; i++) {
            int n = i;
            assertThat(pier.request("/limited/s" + i).headers(h -> h.put("X-Forwarded-For", "203.0.113." + n))
                    .send().getStatus()).isEqualTo(200);
        }
        assertThat(pier.request("/limited/s3").headers(h -> h.put("X-Forwarded-For", "198.51.100.1"))
                .send().getStatus()).isEqualTo(429);
    }

    @Test
    void twoPiersOnOneRedisShareALimitExactly() throws Exception {
        String store = "store = redis, redis { uri = \"redis://127.0.0.1:" + redis.port() + "\", timeout = 500ms }";
        PierHarness one = start("one", store);
        PierHarness two = start("two", store);
        for (int i = 0; i < 6; i++) {
            assertThat(one.get("/limited/one-" + i).getStatus()).isEqualTo(200);
        }
        for (int i = 0; i < 4; i++) {
            assertThat(two.get("/limited/two-" + i).getStatus()).isEqualTo(200);
        }
        assertThat(one.get("/limited/one-next").getStatus()).isEqualTo(429);
        assertThat(two.get("/limited/two-next").getStatus()).isEqualTo(429);
        assertThat(backend.requests()).isEqualTo(10);
    }
}
