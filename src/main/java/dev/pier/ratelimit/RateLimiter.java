package dev.pier.ratelimit;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import dev.pier.config.AddressBlock;
import dev.pier.config.IpAddresses;
import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitPolicySettings.KeyKind;
import dev.pier.pipeline.RequestContext;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One rate-limit policy on one route: finds a request's key, skips exempt clients, takes a token from the key's
 * bucket, counts refusals and, in dry run, logs the first one of each key per period. Thread-safe: its fields are
 * final, the buckets and the log memory are thread-safe, and the refusals are a {@link LongAdder}.
 */
public final class RateLimiter {

    private static final Logger events = LoggerFactory.getLogger("pier.events");
    /** The key of {@link KeyKind#ROUTE}: one bucket for the route. */
    private static final String ROUTE_KEY = "*";

    private final RateLimitPolicySettings settings;
    private final String route;
    private final KeyKind kind;
    private final String keyName;
    private final int ipv6Prefix;
    private final AddressBlock[] exempt;
    private final LocalBuckets local;
    private final Buckets buckets;
    private final Gcra gcra;
    private final LongAdder refused;
    /** Dry run only: the keys logged in the current period. */
    private final @Nullable Cache<String, Boolean> logged;
    private final String policyField;
    private final String limitFieldStart;

    /**
     * @param local this policy's buckets in memory: those that decide, or with Redis, those of on-error = local
     * @param buckets those that decide: {@code local}, or in Redis
     * @param refused the count of refusals, carried over from the limiter this one replaces when they share buckets
     */
    RateLimiter(RateLimitPolicySettings settings, String route, LocalBuckets local, Buckets buckets,
                LongAdder refused, int maxKeys, LongSupplier clock) {
        this.settings = settings;
        this.route = route;
        this.kind = settings.key().kind();
        this.keyName = settings.key().name();
        this.ipv6Prefix = settings.ipv6Prefix();
        this.exempt = settings.exempt().stream().map(AddressBlock::parse).toArray(AddressBlock[]::new);
        this.local = local;
        this.buckets = buckets;
        this.gcra = local.gcra();
        this.refused = refused;
        this.logged = !settings.dryRun() ? null : Caffeine.newBuilder()
                .maximumSize(maxKeys)
                .expireAfterWrite(settings.period())
                .ticker(clock::getAsLong)
                .executor(Runnable::run)
                .<String, Boolean>build();
        String name = "\"" + settings.name() + "\"";
        this.policyField = name + ";q=" + gcra.burst() + ";w=" + Gcra.seconds(gcra.toleranceNanos());
        this.limitFieldStart = name + ";r=";
    }

    /** The policy's name. */
    public String policy() {
        return settings.name();
    }

    /** The prefix of the route this limiter serves. */
    public String route() {
        return route;
    }

    public RateLimitPolicySettings settings() {
        return settings;
    }

    /** Requests over the limit so far: refused, or in dry run, those that would have been. */
    public long refused() {
        return refused.sum();
    }

    /** Whether requests over the limit go through all the same. */
    public boolean dryRun() {
        return settings.dryRun();
    }

    LocalBuckets local() {
        return local;
    }

    LongAdder refusedCounter() {
        return refused;
    }

    /**
     * Takes a token for {@code context}: a {@link Gcra} outcome, {@link Gcra#NOT_COUNTED} for an exempt client or a
     * missing key let through. Counts and, in dry run, logs a request over the limit; never refuses by itself.
     */
    long decide(RequestContext context) {
        String key = keyOf(context);
        long outcome;
        if (key == null) {
            outcome = Gcra.NOT_COUNTED;
        } else if (key.isEmpty()) {
            outcome = gcra.refused();
        } else {
            outcome = buckets.take(key);
        }
        if (outcome != Gcra.NOT_COUNTED && !Gcra.allowed(outcome)) {
            overLimit(context, key == null || key.isEmpty() ? "-" : key);
        }
        return outcome;
    }

    /** {@link #decide} without waiting on Redis on the calling thread. */
    CompletionStage<Long> decideAsync(RequestContext context) {
        String key = keyOf(context);
        if (key == null) {
            return CompletableFuture.completedFuture(Gcra.NOT_COUNTED);
        }
        if (key.isEmpty()) {
            overLimit(context, "-");
            return CompletableFuture.completedFuture(gcra.refused());
        }
        return buckets.takeAsync(key).thenApply(outcome -> {
            if (outcome != Gcra.NOT_COUNTED && !Gcra.allowed(outcome)) {
                overLimit(context, key);
            }
            return outcome;
        });
    }

    /** The request's key; null when it is not counted; empty when it is refused for want of a key. */
    private @Nullable String keyOf(RequestContext context) {
        String address = context.clientAddress();
        if (exempt.length > 0 && isExempt(address)) {
            return null;
        }
        String value;
        switch (kind) {
            case CLIENT_IP:
                return clientKey(address);
            case ROUTE:
                return ROUTE_KEY;
            case HEADER:
                value = context.header(keyName);
                break;
            default:
                value = context.cookie(keyName);
                break;
        }
        if (value != null && !value.isEmpty()) {
            return Keys.bounded(value);
        }
        return switch (settings.missingKey()) {
            case CLIENT_IP -> clientKey(address);
            case ALLOW -> null;
            case DENY -> "";
        };
    }

    private String clientKey(String address) {
        return address.isEmpty() ? "-" : Keys.clientAddress(address, ipv6Prefix);
    }

    /** Whether {@code context} is refused because it lacks the header or cookie of a policy with missing-key = deny. */
    boolean lacksKey(RequestContext context) {
        if (settings.missingKey() != RateLimitPolicySettings.MissingKey.DENY
                || (kind != KeyKind.HEADER && kind != KeyKind.COOKIE)) {
            return false;
        }
        String value = kind == KeyKind.HEADER ? context.header(keyName) : context.cookie(keyName);
        return value == null || value.isEmpty();
    }

    private boolean isExempt(String address) {
        byte[] bytes = IpAddresses.parse(address);
        if (bytes != null) {
            for (AddressBlock block : exempt) {
                if (block.contains(bytes)) {
                    return true;
                }
            }
        }
        return false;
    }

    private void overLimit(RequestContext context, String key) {
        refused.increment();
        if (logged != null && logged.asMap().putIfAbsent(key, Boolean.TRUE) == null) {
            String what = switch (kind) {
                case CLIENT_IP -> "client " + key;
                case ROUTE -> "the route";
                case HEADER -> "header " + keyName + " #" + Keys.fingerprint(key);
                case COOKIE -> "cookie " + keyName + " #" + Keys.fingerprint(key);
            };
            events.info("Rate limit {} on route {} (dry run): {} is over the limit (from {}), let through",
                    settings.name(), route, what, context.clientAddress());
        }
    }

    /** The item of this policy in {@code RateLimit-Policy}: {@code "name";q=<burst>;w=<seconds to fill up>}. */
    String policyField() {
        return policyField;
    }

    /** The item of this policy in {@code RateLimit} for {@code outcome}: {@code "name";r=<left>;t=<seconds>}. */
    String limitField(long outcome) {
        return limitFieldStart + gcra.remaining(outcome) + ";t=" + Gcra.seconds(outcome);
    }

    Gcra gcra() {
        return gcra;
    }
}
