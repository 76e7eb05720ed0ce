package dev.pier.ratelimit;

import dev.pier.config.RedisSettings;
import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.TimeoutOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.LongSupplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Buckets in Redis, shared by every Pier that uses the same server: one Lettuce client and connection, and one
 * round trip per decision, a script that runs the same GCRA as {@link Gcra} on Redis's own clock ({@code TIME}),
 * so that the clocks of the Piers never matter, and sets each key to expire when its bucket would be full again.
 * A {@link Breaker} stops the asking after repeated failures. Thread-safe: Lettuce's connection is, and the
 * connection attempt is one atomic reference.
 */
final class RedisStore implements AutoCloseable {

    /** The outcome when Redis did not decide: failed, too slow, or not asked (the breaker is open). */
    static final long UNAVAILABLE = Long.MIN_VALUE + 1;

    private static final Logger logger = LoggerFactory.getLogger(RedisStore.class);

    /**
     * KEYS[1] the bucket; ARGV[1] the emission interval and ARGV[2] the tolerance (burst intervals), both in
     * microseconds. Returns the outcome in microseconds: > 0 allowed (until the bucket is full again), < 0 refused
     * (minus the time until a token is there). The TAT is written as a whole number: Lua's tostring would write
     * 1.7e+15.
     */
    static final String SCRIPT = """
            if redis.replicate_commands then redis.replicate_commands() end
            local clock = redis.call('TIME')
            local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
            local interval = tonumber(ARGV[1])
            local tolerance = tonumber(ARGV[2])
            local tat = tonumber(redis.call('GET', KEYS[1]) or now)
            if tat < now then tat = now end
            local next = tat + interval
            if next - now > tolerance then
              return tolerance - (next - now)
            end
            redis.call('SET', KEYS[1], string.format('%.0f', next), 'PX', math.ceil((next - now) / 1000))
            return next - now
            """;
    static final String SCRIPT_SHA = sha1(SCRIPT);

    private final RedisSettings settings;
    private final ClientResources resources;
    private final RedisClient client;
    private final RedisURI uri;
    private final long timeoutNanos;
    private final Breaker breaker;
    /** The current connection, or the attempt at one; a failed attempt is replaced by the next caller. */
    private final AtomicReference<CompletableFuture<StatefulRedisConnection<String, String>>> connection;

    RedisStore(RedisSettings settings, LongSupplier clock) {
        this.settings = settings;
        this.uri = RedisURI.create(settings.uri());
        uri.setTimeout(settings.timeout());
        this.timeoutNanos = settings.timeout().toNanos();
        this.resources = DefaultClientResources.builder()
                .ioThreadPoolSize(2)
                .computationThreadPoolSize(2)
                // Reconnects come back no later than the breaker asks again.
                .reconnectDelay(Delay.exponential(Duration.ofMillis(10), settings.pause(), 2, TimeUnit.MILLISECONDS))
                .build();
        this.client = RedisClient.create(resources);
        client.setOptions(ClientOptions.builder()
                .autoReconnect(true)
                // While disconnected, a decision fails at once instead of waiting in a queue for its timeout.
                .disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
                .timeoutOptions(TimeoutOptions.enabled(settings.timeout()))
                .socketOptions(SocketOptions.builder().connectTimeout(settings.pause()).build())
                .build());
        String where = "Redis " + uri.getHost() + ":" + uri.getPort();
        this.breaker = new Breaker(where, settings.pauseAfter(), settings.pause().toNanos(), clock);
        this.connection = new AtomicReference<>(connect());
    }

    RedisSettings settings() {
        return settings;
    }

    Breaker breaker() {
        return breaker;
    }

    /**
     * Takes a token from the bucket {@code key}, waiting at most the timeout: a {@link Gcra} outcome in
     * nanoseconds, or {@link #UNAVAILABLE}.
     *
     * @param args the interval and tolerance in microseconds, as the script takes them
     */
    long take(String key, String[] args) {
        if (!breaker.allows()) {
            return UNAVAILABLE;
        }
        CompletableFuture<Long> result = evaluate(key, args);
        try {
            long outcome = result.get(timeoutNanos, TimeUnit.NANOSECONDS) * 1_000;
            breaker.succeeded();
            return outcome;
        } catch (ExecutionException e) {
            breaker.failed(e.getCause() == null ? e : e.getCause());
        } catch (TimeoutException e) {
            result.cancel(false);
            breaker.failed(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        return UNAVAILABLE;
    }

    /** {@link #take} without waiting: completes with the outcome, or {@link #UNAVAILABLE}; never exceptionally. */
    CompletionStage<Long> takeAsync(String key, String[] args) {
        if (!breaker.allows()) {
            return CompletableFuture.completedFuture(UNAVAILABLE);
        }
        return evaluate(key, args).orTimeout(timeoutNanos, TimeUnit.NANOSECONDS).handle((micros, failure) -> {
            if (failure != null) {
                breaker.failed(failure instanceof CompletionException && failure.getCause() != null
                        ? failure.getCause() : failure);
                return UNAVAILABLE;
            }
            breaker.succeeded();
            return micros * 1_000;
        });
    }

    private CompletableFuture<Long> evaluate(String key, String[] args) {
        String[] keys = {key};
        return connection().thenCompose(c -> {
            RedisAsyncCommands<String, String> redis = c.async();
            CompletableFuture<Long> sha = redis.<Long>evalsha(SCRIPT_SHA, ScriptOutputType.INTEGER, keys, args)
                    .toCompletableFuture();
            // The first decision after Redis started (or SCRIPT FLUSH) sends the script itself, which loads it.
            return sha.exceptionallyCompose(e -> unwrap(e) instanceof RedisNoScriptException
                    ? redis.<Long>eval(SCRIPT, ScriptOutputType.INTEGER, keys, args).toCompletableFuture()
                    : CompletableFuture.failedFuture(e));
        });
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connection() {
        CompletableFuture<StatefulRedisConnection<String, String>> current = connection.get();
        if (current.isCompletedExceptionally() && connection.compareAndSet(current, connect())) {
            return connection.get();
        }
        return current;
    }

    private CompletableFuture<StatefulRedisConnection<String, String>> connect() {
        return client.connectAsync(StringCodec.UTF8, uri).toCompletableFuture();
    }

    @Override
    public void close() {
        CompletableFuture<StatefulRedisConnection<String, String>> current = connection.get();
        current.thenAccept(StatefulRedisConnection::close);
        try {
            client.shutdown(Duration.ZERO, Duration.ofSeconds(2));
            resources.shutdown(0, 2, TimeUnit.SECONDS).get(3, TimeUnit.SECONDS);
        } catch (ExecutionException | TimeoutException | RuntimeException e) {
            logger.warn("Closing the Redis client of the rate limits failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static Throwable unwrap(Throwable e) {
        return e instanceof CompletionException && e.getCause() != null ? e.getCause() : e;
    }

    private static String sha1(String script) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-1")
                    .digest(script.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-1", e);
        }
    }
}
