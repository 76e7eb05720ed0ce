package dev.pier.ratelimit;

import dev.pier.config.RedisSettings;
import java.util.concurrent.CompletionStage;

/**
 * One policy's buckets on one route in Redis, under keys {@code pier:<policy>:<route>:<rate>/<period>/<burst>:
 * <key kind>:{<key>}}: the limit's shape is in the name, so a changed policy starts with new buckets (the old
 * expire), and the client's key is the hash tag, so that keys spread over the slots of a Redis Cluster while each
 * decision touches one. When Redis does not decide, {@code on-error} does. Thread-safe: immutable, over a
 * thread-safe store and local buckets.
 */
final class RedisBuckets implements Buckets {

    private final RedisStore store;
    private final String prefix;
    private final String[] args;
    private final RedisSettings.OnError onError;
    private final LocalBuckets local;
    /** The outcome of on-error = deny: refused until Pier asks Redis again. */
    private final long denied;

    /**
     * @param prefix the part of every key before the hash tag, e.g. {@code pier:per-client:/api:100/1s/200:client-ip/64:}
     * @param local the buckets of {@code on-error = local}, of the same shape
     */
    RedisBuckets(RedisStore store, String prefix, RedisSettings.OnError onError, LocalBuckets local) {
        this.store = store;
        this.prefix = prefix;
        Gcra gcra = local.gcra();
        this.args = new String[] {Long.toString(gcra.intervalNanos() / 1_000), Long.toString(gcra.toleranceNanos() / 1_000)};
        this.onError = onError;
        this.local = local;
        this.denied = -Math.max(1, store.settings().pause().toNanos());
    }

    @Override
    public long take(String key) {
        long outcome = store.take(redisKey(key), args);
        return outcome == RedisStore.UNAVAILABLE ? onError(key) : outcome;
    }

    @Override
    public CompletionStage<Long> takeAsync(String key) {
        return store.takeAsync(redisKey(key), args)
                .thenApply(outcome -> outcome == RedisStore.UNAVAILABLE ? onError(key) : outcome);
    }

    /** The Redis key of the bucket of {@code key}. */
    String redisKey(String key) {
        return prefix + "{" + key + "}";
    }

    private long onError(String key) {
        return switch (onError) {
            case LOCAL -> local.take(key);
            case ALLOW -> Gcra.NOT_COUNTED;
            case DENY -> denied;
        };
    }
}
