package dev.pier.ratelimit;

import static dev.pier.ratelimit.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitingSettings;
import dev.pier.config.RateLimitingSettings.Headers;
import dev.pier.pipeline.RequestContext;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RateLimitsTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final FakeClock clock = new FakeClock();
    private final RateLimitPolicySettings perClient = policy("per-client", "client-ip", 1, SECOND, 3);

    private RateLimits build(RateLimitingSettings settings, Map<String, List<String>> routes, RateLimits previous) {
        return RateLimits.build(settings, routes, previous, clock);
    }

    private static boolean allowed(RateLimits limits, String route, String client) {
        RequestContext context = Requests.from(client).context();
        return limits.stage(route).onRequest(context) == null;
    }

    /** Spends the whole burst of 3 of one client on /api. */
    private RateLimits drained() {
        RateLimits limits = build(Policies.local(Headers.DRAFT, 1000, perClient),
                Map.of("/api", List.of("per-client")), null);
        for (int i = 0; i < 3; i++) {
            assertThat(allowed(limits, "/api", "192.0.2.7")).isTrue();
        }
        assertThat(allowed(limits, "/api", "192.0.2.7")).isFalse();
        return limits;
    }

    @Test
    void bucketsSurviveAReloadWhenKeyRatePeriodAndBurstAreUnchanged() {
        RateLimits before = drained();
        // Everything else may change: dry run, exemptions, headers, max-keys, other routes.
        RateLimitPolicySettings sameBuckets = Policies.withExempt(perClient, List.of("10.0.0.0/8"));
        RateLimits after = build(Policies.local(Headers.LEGACY, 500, sameBuckets,
                policy("other", "route", 1, SECOND, 1)), Map.of("/api", List.of("per-client"), "/web",
                List.of("other")), before);

        assertThat(allowed(after, "/api", "192.0.2.7")).isFalse();
        assertThat(after.limiter("per-client", "/api").refused()).isEqualTo(2);
        clock.advance(SECOND);
        assertThat(allowed(after, "/api", "192.0.2.7")).isTrue();
        assertThat(allowed(after, "/api", "192.0.2.7")).isFalse();
    }

    @Test
    void bucketsAreNewWhenThePolicysRateChanges() {
        RateLimits before = drained();
        RateLimits after = build(Policies.local(Headers.DRAFT, 1000, policy("per-client", "client-ip", 2, SECOND, 3)),
                Map.of("/api", List.of("per-client")), before);

        assertThat(allowed(after, "/api", "192.0.2.7")).isTrue();
        assertThat(after.limiter("per-client", "/api").refused()).isZero();
    }

    @Test
    void bucketsAreNewWhenTheKeyPeriodOrBurstChanges() {
        for (RateLimitPolicySettings changed : List.of(policy("per-client", "header:X-User", 1, SECOND, 3),
                policy("per-client", "client-ip", 1, Duration.ofSeconds(2), 3),
                policy("per-client", "client-ip", 1, SECOND, 4),
                Policies.withIpv6Prefix(perClient, 48))) {
            RateLimits before = drained();
            RateLimits after = build(Policies.local(Headers.DRAFT, 1000, changed),
                    Map.of("/api", List.of("per-client")), before);

            assertThat(allowed(after, "/api", "192.0.2.7")).as("after a reload to %s", changed).isTrue();
        }
    }

    @Test
    void eachRouteHasItsOwnBucketsOfAPolicy() {
        RateLimits limits = build(Policies.local(Headers.DRAFT, 1000, perClient),
                Map.of("/api", List.of("per-client"), "/web", List.of("per-client")), null);
        for (int i = 0; i < 3; i++) {
            allowed(limits, "/api", "192.0.2.7");
        }

        assertThat(allowed(limits, "/api", "192.0.2.7")).isFalse();
        assertThat(allowed(limits, "/web", "192.0.2.7")).isTrue();
    }

    @Test
    void aRouteWithoutPoliciesHasNoStage() {
        RateLimits limits = build(Policies.local(Headers.DRAFT, 1000, perClient),
                Map.of("/api", List.of("per-client"), "/static", List.of()), null);

        assertThat(limits.stage("/static")).isNull();
        assertThat(limits.stage("/elsewhere")).isNull();
        assertThat(limits.stages()).containsOnlyKeys("/api");
        assertThat(limits.stage("/api").limiters()).extracting(RateLimiter::policy).containsExactly("per-client");
    }

    @Test
    void aRouteNamingAnUnknownPolicyIsRejected() {
        assertThatThrownBy(() -> build(Policies.local(Headers.DRAFT, 1000, perClient),
                Map.of("/api", List.of("per-user")), null))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("rate-limit policy: per-user (expected one of: per-client)");
    }

    @Test
    void redisKeysNameThePolicyTheRouteAndTheShapeOfItsBuckets() {
        assertThat(RateLimits.redisPrefix(policy("per-client", "client-ip", 100, SECOND, 200), "/api"))
                .isEqualTo("pier:per-client:/api:100/1s/200:client-ip/64:");
        assertThat(RateLimits.redisPrefix(policy("route-cap", "route", 5000, SECOND, 5000), "/"))
                .isEqualTo("pier:route-cap:/:5000/1s/5000:route:");
    }
}
