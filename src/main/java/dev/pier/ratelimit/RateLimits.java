package dev.pier.ratelimit;

import static java.util.Objects.requireNonNull;

import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitPolicySettings.KeyKind;
import dev.pier.config.RateLimitingSettings;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The rate limits of one configuration: a {@link RateLimitStage} per route that obeys a policy, and the Redis
 * connection of {@code store = redis}, which this generation owns. Built from the settings and the generation it
 * replaces, whose buckets it keeps where a policy's key, rate, period and burst are unchanged, and whose Redis
 * connection it takes over when the server and timeouts are. Thread-safe: immutable but for the ownership of the
 * connection, one atomic reference.
 *
 * <p>Close the previous generation once this one serves (it closes nothing it handed over), and the last one on
 * shutdown.
 */
public final class RateLimits implements AutoCloseable {

    private final Map<String, RateLimitStage> stages;
    private final Map<Id, RateLimiter> limiters;
    /** The Redis store this generation owns; null with store = local, once closed, or once handed to the next. */
    private final AtomicReference<@Nullable RedisStore> redis;

    private RateLimits(Map<String, RateLimitStage> stages, Map<Id, RateLimiter> limiters, @Nullable RedisStore redis) {
        this.stages = Map.copyOf(stages);
        this.limiters = Map.copyOf(limiters);
        this.redis = new AtomicReference<>(redis);
    }

    /**
     * Builds the rate limits of a configuration.
     *
     * @param routePolicies for each route's name, the names of the policies it obeys, in order (every name a
     *                      policy of {@code settings}); a route without any may be left out
     * @param previous the generation this one replaces, or null at start
     * @throws IllegalArgumentException when a route names a policy that {@code settings} lacks
     */
    public static RateLimits build(RateLimitingSettings settings, Map<String, List<String>> routePolicies,
                                   @Nullable RateLimits previous) {
        return build(settings, routePolicies, previous, System::nanoTime);
    }

    /** {@link #build(RateLimitingSettings, Map, RateLimits)} on {@code clock}, nanoseconds as by nanoTime. */
    static RateLimits build(RateLimitingSettings settings, Map<String, List<String>> routePolicies,
                            @Nullable RateLimits previous, LongSupplier clock) {
        requireNonNull(settings, "settings");
        requireNonNull(routePolicies, "routePolicies");
        requireNonNull(clock, "clock");
        for (List<String> names : routePolicies.values()) {
            for (String name : names) {
                if (!settings.policies().containsKey(name)) {
                    throw new IllegalArgumentException("rate-limit policy: " + name + " (expected one of: "
                            + String.join(", ", settings.policies().keySet()) + ")");
                }
            }
        }
        RedisStore store = null;
        if (settings.store() == RateLimitingSettings.Store.REDIS) {
            RedisStore old = previous == null ? null : previous.redis.get();
            if (old != null && old.settings().sameConnection(settings.redis())
                    && previous.redis.compareAndSet(old, null)) {
                store = old;
            } else {
                store = new RedisStore(settings.redis(), clock);
            }
        }
        Map<String, RateLimitStage> stages = new LinkedHashMap<>();
        Map<Id, RateLimiter> limiters = new LinkedHashMap<>();
        for (Map.Entry<String, List<String>> route : routePolicies.entrySet()) {
            String prefix = route.getKey();
            List<RateLimiter> ofRoute = new ArrayList<>();
            for (String name : route.getValue()) {
                RateLimitPolicySettings policy = settings.policies().get(name);
                Id id = new Id(name, prefix);
                RateLimiter old = previous == null ? null : previous.limiters.get(id);
                LocalBuckets local;
                LongAdder refused;
                if (old != null && old.settings().sameBuckets(policy)) {
                    local = old.local();
                    local.maxKeys(settings.maxKeys());
                    refused = old.refusedCounter();
                } else {
                    local = new LocalBuckets(new Gcra(policy.period().toNanos(), policy.rate(), policy.burst()),
                            settings.maxKeys(), clock);
                    refused = new LongAdder();
                }
                Buckets buckets = store == null ? local
                        : new RedisBuckets(store, redisPrefix(policy, prefix), settings.redis().onError(), local);
                RateLimiter limiter = new RateLimiter(policy, prefix, local, buckets, refused, settings.maxKeys(),
                        clock);
                limiters.put(id, limiter);
                ofRoute.add(limiter);
            }
            if (!ofRoute.isEmpty()) {
                stages.put(prefix, new RateLimitStage(prefix, ofRoute, settings.headers()));
            }
        }
        return new RateLimits(stages, limiters, store);
    }

    /** The rate-limit stage of the route with {@code prefix}, or null when it obeys no policy. */
    public @Nullable RateLimitStage stage(String prefix) {
        return stages.get(prefix);
    }

    /** Every route's stage, by prefix. */
    public Map<String, RateLimitStage> stages() {
        return stages;
    }

    /** The limiter of {@code policy} on the route with {@code prefix}, or null: for status and metrics. */
    public @Nullable RateLimiter limiter(String policy, String prefix) {
        return limiters.get(new Id(policy, prefix));
    }

    /** Whether Redis is not being asked for now (after repeated failures); false without Redis. */
    public boolean redisPaused() {
        RedisStore store = redis.get();
        return store != null && store.breaker().isOpen();
    }

    /** Closes the Redis connection, unless it was handed to the next generation. */
    @Override
    public void close() {
        RedisStore store = redis.getAndSet(null);
        if (store != null) {
            store.close();
        }
    }

    /**
     * The part of a policy's Redis keys before the hash tag: the policy, the route, and the shape of its buckets,
     * so that a changed policy starts with new ones.
     */
    static String redisPrefix(RateLimitPolicySettings policy, String route) {
        String key = policy.key().configText() + (policy.key().kind() == KeyKind.ROUTE ? "" : "/" + policy.ipv6Prefix());
        return "pier:" + policy.name() + ":" + route + ":" + policy.rate() + "/" + policy.period().getSeconds() + "s/"
                + policy.burst() + ":" + key + ":";
    }

    private record Id(String policy, String route) {
    }
}
