package dev.pier.ratelimit;

import static dev.pier.ratelimit.Policies.policy;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitingSettings.Headers;
import dev.pier.config.RateLimitingSettings.Store;
import dev.pier.config.RedisSettings;
import dev.pier.config.RedisSettings.OnError;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.RequestContext;
import dev.pier.testing.RedisServer;
import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class RedisRateLimitTest {

    @RegisterExtension
    static final RedisServer redis = new RedisServer();

    /** Ten requests at once, then one an hour: nothing refills while a test runs. */
    private static final RateLimitPolicySettings SHARED = policy("shared", "client-ip", 1, Duration.ofHours(1), 10);
    private static final String CLIENT = "192.0.2.7";

    private final List<RateLimits> piers = new ArrayList<>();
    private @Nullable RedisClient inspector;
    private @Nullable StatefulRedisConnection<String, String> inspection;

    @BeforeEach
    void startRedisWithoutKeys() {
        redis.start();
        redisCommands().flushall();
    }

    @AfterEach
    void closePiers() {
        piers.forEach(RateLimits::close);
        if (inspection != null) {
            inspection.close();
        }
        if (inspector != null) {
            inspector.shutdown(Duration.ZERO, Duration.ofSeconds(2));
        }
    }

    /** The rate limits of one Pier: its own Lettuce client, as two Pier processes would have. */
    private RateLimits pier(OnError onError, RateLimitPolicySettings policy, @Nullable RateLimits previous) {
        RedisSettings settings = new RedisSettings(redis.uri(), Duration.ofMillis(500), onError, 3,
                Duration.ofMillis(300));
        RateLimits limits = RateLimits.build(Policies.settings(Store.REDIS, Headers.DRAFT, 1000, settings, policy),
                Map.of("/api", List.of(policy.name())), previous);
        piers.add(limits);
        return limits;
    }

    private RateLimits pier(OnError onError, RateLimitPolicySettings policy) {
        return pier(onError, policy, null);
    }

    private RedisCommands<String, String> redisCommands() {
        if (inspection == null) {
            inspector = RedisClient.create(redis.uri());
            inspection = inspector.connect();
        }
        return inspection.sync();
    }

    /** The status and the RateLimit field of one request through {@code limits} on /api. */
    private record Answer(int status, @Nullable String rateLimit) {
    }

    private static Answer send(RateLimits limits, String client) {
        RequestContext context = Requests.from(client).context();
        LocalReply reply = limits.stage("/api").onRequest(context);
        String rateLimit = context.responseHeaders().stream().filter(h -> h.getKey().equals("RateLimit"))
                .map(Map.Entry::getValue).findFirst().orElse(null);
        return new Answer(reply == null ? 200 : reply.status(), rateLimit);
    }

    private static List<Integer> statuses(RateLimits limits, int count) {
        List<Integer> statuses = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            statuses.add(send(limits, CLIENT).status());
        }
        return statuses;
    }

    @Test
    void twoPiersOnOneRedisShareALimitExactly() {
        // on-error = deny: a decision that Redis did not make would show as a refusal.
        RateLimits one = pier(OnError.DENY, SHARED);
        RateLimits other = pier(OnError.DENY, SHARED);

        assertThat(statuses(one, 6)).containsOnly(200);
        assertThat(statuses(other, 3)).containsOnly(200);
        assertThat(send(other, CLIENT)).isEqualTo(new Answer(200, "\"shared\";r=0;t=36000"));

        assertThat(send(one, CLIENT)).isEqualTo(new Answer(429, "\"shared\";r=0;t=3600"));
        assertThat(send(other, CLIENT).status()).isEqualTo(429);
        assertThat(send(one, "192.0.2.8")).isEqualTo(new Answer(200, "\"shared\";r=9;t=3600"));
        assertThat(one.limiter("shared", "/api").refused()).isEqualTo(1);
        assertThat(other.limiter("shared", "/api").refused()).isEqualTo(1);
    }

    @Test
    void eachKeyExpiresWhenItsBucketWouldBeFullAgain() {
        RateLimits slow = pier(OnError.DENY, SHARED);
        send(slow, CLIENT);
        send(slow, CLIENT);

        String key = "pier:shared:/api:1/3600s/10:client-ip/64:{" + CLIENT + "}";
        assertThat(redisCommands().pttl(key)).isBetween(7_190_000L, 7_200_000L);

        RateLimitPolicySettings fast = policy("fast", "client-ip", 10, Duration.ofSeconds(1), 10);
        RateLimits quick = pier(OnError.DENY, fast);
        send(quick, CLIENT);
        String fastKey = "pier:fast:/api:10/1s/10:client-ip/64:{" + CLIENT + "}";
        assertThat(redisCommands().pttl(fastKey)).isBetween(1L, 100L);
        await().atMost(Duration.ofSeconds(5)).until(() -> redisCommands().exists(fastKey) == 0);
    }

    @ParameterizedTest
    @EnumSource(OnError.class)
    void aKilledRedisLeavesTheDecisionToOnErrorAndTheLimiterKeepsAnswering(OnError onError) throws Exception {
        RateLimitPolicySettings five = policy("shared", "client-ip", 1, Duration.ofHours(1), 5);
        RateLimits limits = pier(onError, five);
        assertThat(send(limits, CLIENT)).isEqualTo(new Answer(200, "\"shared\";r=4;t=3600"));

        try (EventLog log = new EventLog()) {
            redis.kill();
            List<Answer> answers = new ArrayList<>();
            for (int i = 0; i < 12; i++) {
                answers.add(send(limits, CLIENT));
            }

            switch (onError) {
                case LOCAL -> {
                    // This Pier's own bucket, full: five allowed, then refused.
                    assertThat(answers).extracting(Answer::status)
                            .containsExactly(200, 200, 200, 200, 200, 429, 429, 429, 429, 429, 429, 429);
                    assertThat(answers.get(0).rateLimit()).isEqualTo("\"shared\";r=4;t=3600");
                }
                case ALLOW -> assertThat(answers).containsOnly(new Answer(200, null));
                case DENY -> assertThat(answers).containsOnly(new Answer(429, "\"shared\";r=0;t=1"));
            }
            assertThat(limits.redisPaused()).isTrue();
            assertThat(log.lines()).singleElement().asString().contains("Rate limiting: Redis 127.0.0.1:"
                    + redis.port() + " failed 3 times in a row");

            redis.start();
            // Redis lost its keys with the kill: the first decision it makes again finds a full bucket.
            await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                    .until(() -> "\"shared\";r=4;t=3600".equals(send(limits, CLIENT).rateLimit())
                            && !limits.redisPaused());
            assertThat(send(limits, CLIENT)).isEqualTo(new Answer(200, "\"shared\";r=3;t=7200"));
            assertThat(log.lines()).hasSize(2);
            assertThat(log.lines().get(1)).contains("Rate limiting: Redis 127.0.0.1:" + redis.port()
                    + " answers again");
        }
    }

    @Test
    void aRedisDownAtStartIsOnErrorUntilItComesUp() throws Exception {
        redis.kill();
        RateLimits limits = pier(OnError.ALLOW, SHARED);

        assertThat(statuses(limits, 4)).containsOnly(200);
        assertThat(send(limits, CLIENT).rateLimit()).isNull();

        redis.start();
        await().atMost(Duration.ofSeconds(15)).pollInterval(Duration.ofMillis(50))
                .until(() -> send(limits, CLIENT).rateLimit() != null);
        assertThat(send(limits, CLIENT).rateLimit()).isEqualTo("\"shared\";r=8;t=7200");
    }

    @Test
    void aScriptThatRedisForgotIsSentAgain() {
        RateLimits limits = pier(OnError.DENY, SHARED);
        assertThat(send(limits, CLIENT).status()).isEqualTo(200);
        assertThat(redisCommands().scriptExists(RedisStore.SCRIPT_SHA)).containsExactly(true);

        redisCommands().scriptFlush();

        assertThat(send(limits, CLIENT)).isEqualTo(new Answer(200, "\"shared\";r=8;t=7200"));
        assertThat(redisCommands().scriptExists(RedisStore.SCRIPT_SHA)).containsExactly(true);
    }

    @Test
    void aReloadKeepsTheConnectionAndTheBucketsInRedis() {
        RateLimits before = pier(OnError.DENY, SHARED);
        assertThat(statuses(before, 3)).containsOnly(200);

        RateLimits after = pier(OnError.DENY, SHARED, before);
        before.close();

        assertThat(send(after, CLIENT)).isEqualTo(new Answer(200, "\"shared\";r=6;t=14400"));
    }

    @Test
    void theAsynchronousDecisionTakesTheSameTokens() throws Exception {
        RateLimits limits = pier(OnError.DENY, SHARED);
        RateLimiter limiter = limits.limiter("shared", "/api");
        RequestContext context = Requests.from(CLIENT).context();

        long outcome = limiter.decideAsync(context).toCompletableFuture().get(5, TimeUnit.SECONDS);

        assertThat(Gcra.allowed(outcome)).isTrue();
        assertThat(limiter.gcra().remaining(outcome)).isEqualTo(9);
        assertThat(send(limits, CLIENT).rateLimit()).isEqualTo("\"shared\";r=8;t=7200");
    }
}
