package dev.pier.ratelimit;

import static dev.pier.ratelimit.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitPolicySettings.MissingKey;
import dev.pier.config.RateLimitingSettings.Headers;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.RequestContext;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class RateLimitStageTest {

    private static final Duration SECOND = Duration.ofSeconds(1);

    private final FakeClock clock = new FakeClock();
    private @Nullable RateLimits limits;

    private RateLimitStage stage(Headers headers, RateLimitPolicySettings... policies) {
        limits = RateLimits.build(Policies.local(headers, 1000, policies),
                Map.of("/api", Arrays.stream(policies).map(RateLimitPolicySettings::name).toList()), null, clock);
        RateLimitStage stage = limits.stage("/api");
        assertThat(stage).isNotNull();
        return stage;
    }

    private RateLimitStage stage(RateLimitPolicySettings... policies) {
        return stage(Headers.DRAFT, policies);
    }

    /** What the client gets: the status (200 when the stage lets the request through) and the stage's headers. */
    private record Answer(int status, Map<String, String> headers, @Nullable LocalReply reply) {
    }

    private static Answer send(RateLimitStage stage, RequestContext context) {
        LocalReply reply = stage.onRequest(context);
        Map<String, String> headers = new LinkedHashMap<>();
        if (reply != null) {
            reply.headers().forEach(h -> headers.put(h.getKey(), h.getValue()));
        }
        context.responseHeaders().forEach(h -> headers.put(h.getKey(), h.getValue()));
        return new Answer(reply == null ? 200 : reply.status(), headers, reply);
    }

    private static Answer send(RateLimitStage stage, Requests request) {
        return send(stage, request.context());
    }

    private static List<Integer> statuses(RateLimitStage stage, Requests request, int count) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(send(stage, request).status());
        }
        return statuses;
    }

    @Test
    void aBurstOfThreeAtOnePerSecondAllowsThreeThenRefusesUntilASecondHasPassed() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, SECOND, 3));
        Requests client = Requests.from("192.0.2.7");

        assertThat(statuses(stage, client, 3)).containsExactly(200, 200, 200);
        Answer refused = send(stage, client);
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers()).containsEntry("Retry-After", "1");

        clock.advance(SECOND);
        assertThat(statuses(stage, client, 2)).containsExactly(200, 429);
    }

    @Test
    void draftFieldsGiveThePolicyAndWhatIsLeftOnEveryAnswer() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, SECOND, 3));
        Requests client = Requests.from("192.0.2.7");

        List<Map<String, String>> answers = new ArrayList<>();
        for (int i = 0; i < 4; i++) {
            answers.add(send(stage, client).headers());
        }

        assertThat(answers).extracting(h -> h.get("RateLimit-Policy")).containsOnly("\"per-client\";q=3;w=3");
        assertThat(answers).extracting(h -> h.get("RateLimit")).containsExactly(
                "\"per-client\";r=2;t=1", "\"per-client\";r=1;t=2", "\"per-client\";r=0;t=3",
                "\"per-client\";r=0;t=1");
    }

    @Test
    void theWindowIsTheTimeToFillTheBucketSoThatQuotaOverWindowIsTheRate() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 100, SECOND, 200));

        Answer first = send(stage, Requests.from("192.0.2.7"));

        assertThat(first.headers()).containsEntry("RateLimit-Policy", "\"per-client\";q=200;w=2")
                .containsEntry("RateLimit", "\"per-client\";r=199;t=1");
    }

    @Test
    void aRefusalIsAProblemDocumentNamingThePolicyAndTheRequestId() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, Duration.ofSeconds(10), 1));
        Requests client = Requests.from("192.0.2.7").requestId("abc-123");
        send(stage, client);
        clock.advance(Duration.ofMillis(500));

        Answer refused = send(stage, client);

        LocalReply reply = refused.reply();
        assertThat(reply).isNotNull();
        assertThat(reply.status()).isEqualTo(429);
        assertThat(reply.flag()).isEqualTo("RL");
        assertThat(reply.contentType()).isEqualTo("application/problem+json");
        assertThat(reply.headers()).containsExactly(Map.entry("Retry-After", "10"),
                Map.entry("Cache-Control", "no-store"));
        assertThat(reply.body()).isEqualTo("{\"type\":\"https://iana.org/assignments/http-problem-types#quota-exceeded\","
                + "\"title\":\"Request cannot be satisfied as assigned quota has been exceeded\",\"status\":429,"
                + "\"detail\":\"Too many requests for rate limit 'per-client'; retry after 10 seconds.\","
                + "\"violated-policies\":[\"per-client\"],\"request-id\":\"abc-123\"}\n");
        assertThat(refused.headers()).containsEntry("RateLimit", "\"per-client\";r=0;t=10");
    }

    @Test
    void retryAfterIsWholeSecondsRoundedUpAndAtLeastOne() {
        RateLimitStage stage = stage(policy("slow", "client-ip", 1, Duration.ofSeconds(10), 1));
        Requests client = Requests.from("192.0.2.7");
        send(stage, client);

        clock.advance(Duration.ofMillis(8500));
        assertThat(send(stage, client).headers()).containsEntry("Retry-After", "2");
        clock.advance(Duration.ofMillis(1499));
        assertThat(send(stage, client).headers()).containsEntry("Retry-After", "1");
        clock.advance(Duration.ofMillis(1));
        assertThat(send(stage, client).status()).isEqualTo(200);
    }

    @Test
    void theRoutesPoliciesRunInOrderAndTheFirstRefusalStopsThem() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, SECOND, 2),
                policy("route-cap", "route", 1, SECOND, 3));

        Answer first = send(stage, Requests.from("192.0.2.7"));
        assertThat(first.headers()).containsEntry("RateLimit-Policy",
                "\"per-client\";q=2;w=2, \"route-cap\";q=3;w=3")
                .containsEntry("RateLimit", "\"per-client\";r=1;t=1, \"route-cap\";r=2;t=1");
        send(stage, Requests.from("192.0.2.7"));
        // The client's own bucket refuses before the route's is asked: no token of the route is spent.
        Answer refused = send(stage, Requests.from("192.0.2.7"));
        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers()).containsEntry("RateLimit", "\"per-client\";r=0;t=1");
        assertThat(refused.reply().body()).contains("\"violated-policies\":[\"per-client\"]");

        Answer other = send(stage, Requests.from("192.0.2.8"));
        assertThat(other.status()).isEqualTo(200);
        assertThat(other.headers()).containsEntry("RateLimit", "\"per-client\";r=1;t=1, \"route-cap\";r=0;t=3");
        Answer capped = send(stage, Requests.from("192.0.2.9"));
        assertThat(capped.status()).isEqualTo(429);
        assertThat(capped.reply().body()).contains("\"violated-policies\":[\"route-cap\"]");
    }

    @Test
    void legacyFieldsShowThePolicyWithTheFewestTokensLeft() {
        RateLimitStage stage = stage(Headers.LEGACY, policy("per-client", "client-ip", 1, SECOND, 5),
                policy("route-cap", "route", 1, SECOND, 2));

        Answer first = send(stage, Requests.from("192.0.2.7"));

        assertThat(first.headers()).containsExactly(Map.entry("X-RateLimit-Limit", "2"),
                Map.entry("X-RateLimit-Remaining", "1"), Map.entry("X-RateLimit-Reset", "1"));
    }

    @Test
    void noneSendsNoFields() {
        RateLimitStage stage = stage(Headers.NONE, policy("per-client", "client-ip", 1, SECOND, 1));
        Requests client = Requests.from("192.0.2.7");

        assertThat(send(stage, client).headers()).isEmpty();
        assertThat(send(stage, client).headers()).containsOnlyKeys("Retry-After", "Cache-Control");
    }

    @Test
    void clientIpKeysGiveEachClientItsOwnBucket() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, SECOND, 1));

        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(429);
        assertThat(send(stage, Requests.from("192.0.2.8")).status()).isEqualTo(200);
    }

    @Test
    void ipv6ClientsAreGroupedBySixtyFourBitsUnlessThePolicySaysOtherwise() {
        RateLimitStage by64 = stage(policy("per-client", "client-ip", 1, SECOND, 1));
        assertThat(send(by64, Requests.from("2001:db8:0:1::a")).status()).isEqualTo(200);
        assertThat(send(by64, Requests.from("2001:db8:0:1:ffff::b")).status()).isEqualTo(429);
        assertThat(send(by64, Requests.from("2001:db8:0:2::a")).status()).isEqualTo(200);

        RateLimitStage by128 = stage(Policies.withIpv6Prefix(policy("per-host", "client-ip", 1, SECOND, 1), 128));
        assertThat(send(by128, Requests.from("2001:db8:0:1::a")).status()).isEqualTo(200);
        assertThat(send(by128, Requests.from("2001:db8:0:1::b")).status()).isEqualTo(200);
        assertThat(send(by128, Requests.from("2001:db8:0:1:0:0:0:a")).status()).isEqualTo(429);
    }

    @Test
    void headerKeysGiveEachValueItsOwnBucketWhateverTheAddress() {
        RateLimitStage stage = stage(policy("per-user", "header:X-User", 1, SECOND, 1));

        assertThat(send(stage, Requests.from("192.0.2.7").header("X-User", "ann")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("192.0.2.8").header("x-user", "ann")).status()).isEqualTo(429);
        assertThat(send(stage, Requests.from("192.0.2.7").header("X-User", "bob")).status()).isEqualTo(200);
    }

    @Test
    void cookieKeysGiveEachValueItsOwnBucket() {
        RateLimitStage stage = stage(policy("per-session", "cookie:session", 1, SECOND, 1));

        assertThat(send(stage, Requests.from("192.0.2.7").cookie("session", "s1")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("192.0.2.8").cookie("session", "s1")).status()).isEqualTo(429);
        assertThat(send(stage, Requests.from("192.0.2.7").cookie("session", "s2")).status()).isEqualTo(200);
    }

    @Test
    void theRouteKeyIsOneBucketForEveryClient() {
        RateLimitStage stage = stage(policy("route-cap", "route", 1, SECOND, 2));

        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("192.0.2.8").header("X-User", "ann")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("2001:db8::1")).status()).isEqualTo(429);
    }

    @Test
    void aMissingKeyCountsByClientAddressByDefault() {
        RateLimitStage stage = stage(policy("per-user", "header:X-User", 1, SECOND, 1));

        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(429);
        assertThat(send(stage, Requests.from("192.0.2.7").header("X-User", "")).status()).isEqualTo(429);
        assertThat(send(stage, Requests.from("192.0.2.8")).status()).isEqualTo(200);
    }

    @Test
    void aMissingKeyWithAllowIsNotCountedAndGetsNoFields() {
        RateLimitStage stage = stage(Policies.withMissingKey(policy("per-user", "header:X-User", 1, SECOND, 1),
                MissingKey.ALLOW));

        for (int i = 0; i < 5; i++) {
            Answer answer = send(stage, Requests.from("192.0.2.7"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.headers()).isEmpty();
        }
    }

    @Test
    void aMissingKeyWithDenyIsRefusedAndTheBodySaysWhy() {
        RateLimitStage stage = stage(Policies.withMissingKey(policy("per-user", "cookie:session", 1, SECOND, 1),
                MissingKey.DENY));

        Answer refused = send(stage, Requests.from("192.0.2.7"));

        assertThat(refused.status()).isEqualTo(429);
        assertThat(refused.headers()).containsEntry("Retry-After", "1");
        assertThat(refused.reply().body()).contains("\"detail\":\"Rate limit 'per-user' counts requests by cookie "
                + "session, which this request lacks.\"");
        assertThat(send(stage, Requests.from("192.0.2.7").cookie("session", "s1")).status()).isEqualTo(200);
    }

    @Test
    void exemptClientsAreNeverCounted() {
        RateLimitStage stage = stage(Policies.withExempt(policy("per-client", "client-ip", 1, SECOND, 1),
                List.of("10.0.0.0/8", "2001:db8::/32")));

        for (int i = 0; i < 5; i++) {
            Answer answer = send(stage, Requests.from("10.1.2.3"));
            assertThat(answer.status()).isEqualTo(200);
            assertThat(answer.headers()).isEmpty();
            assertThat(send(stage, Requests.from("2001:db8::1")).status()).isEqualTo(200);
        }
        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(200);
        assertThat(send(stage, Requests.from("192.0.2.7")).status()).isEqualTo(429);
    }

    @Test
    void dryRunCountsAndShowsTheLimitButNeverRefuses() {
        RateLimitStage stage = stage(Policies.dryRun(policy("per-client", "client-ip", 1, SECOND, 2)));
        Requests client = Requests.from("192.0.2.7");

        assertThat(statuses(stage, client, 5)).containsOnly(200);
        assertThat(send(stage, client).headers()).containsEntry("RateLimit", "\"per-client\";r=0;t=1")
                .doesNotContainKey("Retry-After");
        assertThat(limits.limiter("per-client", "/api").refused()).isEqualTo(4);
    }

    @Test
    void dryRunLogsEachKeyOverTheLimitOncePerPeriod() {
        RateLimitStage stage = stage(Policies.dryRun(policy("per-user", "header:X-User", 1, SECOND, 1)));
        try (EventLog log = new EventLog()) {
            for (int i = 0; i < 5; i++) {
                send(stage, Requests.from("192.0.2.7").header("X-User", "ann"));
                send(stage, Requests.from("192.0.2.8").header("X-User", "bob"));
            }
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(0)).contains("Rate limit per-user on route /api (dry run): header X-User #"
                    + Keys.fingerprint("ann") + " is over the limit (from 192.0.2.7), let through");
            assertThat(log.lines()).noneMatch(line -> line.contains("ann") || line.contains("bob"));

            clock.advance(Duration.ofMillis(999));
            send(stage, Requests.from("192.0.2.7").header("X-User", "ann"));
            send(stage, Requests.from("192.0.2.7").header("X-User", "ann"));
            assertThat(log.lines()).hasSize(2);
            clock.advance(Duration.ofMillis(1));
            send(stage, Requests.from("192.0.2.7").header("X-User", "ann"));
            send(stage, Requests.from("192.0.2.7").header("X-User", "ann"));
            assertThat(log.lines()).hasSize(3);
        }
    }

    @Test
    void refusalsAreCountedPerPolicy() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, SECOND, 1),
                policy("route-cap", "route", 1, SECOND, 100));
        for (int i = 0; i < 4; i++) {
            send(stage, Requests.from("192.0.2.7"));
        }

        assertThat(limits.limiter("per-client", "/api").refused()).isEqualTo(3);
        assertThat(limits.limiter("route-cap", "/api").refused()).isZero();
    }

    @Test
    void theStageAddsItsFieldsToTheContextSoThatTheBackendsAnswerCarriesThemToo() {
        RateLimitStage stage = stage(policy("per-client", "client-ip", 1, SECOND, 3));
        RequestContext context = Requests.from("192.0.2.7").context();

        assertThat(stage.onRequest(context)).isNull();

        assertThat(context.responseHeaders()).containsExactly(
                Map.entry("RateLimit-Policy", "\"per-client\";q=3;w=3"),
                Map.entry("RateLimit", "\"per-client\";r=2;t=1"));
    }
}
