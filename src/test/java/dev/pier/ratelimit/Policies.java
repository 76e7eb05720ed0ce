package dev.pier.ratelimit;

import dev.pier.config.RateLimitPolicySettings;
import dev.pier.config.RateLimitPolicySettings.Key;
import dev.pier.config.RateLimitPolicySettings.KeyKind;
import dev.pier.config.RateLimitPolicySettings.MissingKey;
import dev.pier.config.RateLimitingSettings;
import dev.pier.config.RateLimitingSettings.Headers;
import dev.pier.config.RateLimitingSettings.Store;
import dev.pier.config.RedisSettings;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/** Rate-limit settings for tests, with the defaults of the reference configuration unless told otherwise. */
final class Policies {

    private Policies() {
    }

    /** A policy of {@code rate} per {@code period}, burst {@code burst}, counting by {@code key}. */
    static RateLimitPolicySettings policy(String name, String key, int rate, Duration period, int burst) {
        return new RateLimitPolicySettings(name, key(key), rate, period, burst, MissingKey.CLIENT_IP, List.of(),
                false, 64);
    }

    static RateLimitPolicySettings withMissingKey(RateLimitPolicySettings p, MissingKey missingKey) {
        return new RateLimitPolicySettings(p.name(), p.key(), p.rate(), p.period(), p.burst(), missingKey,
                p.exempt(), p.dryRun(), p.ipv6Prefix());
    }

    static RateLimitPolicySettings withExempt(RateLimitPolicySettings p, List<String> exempt) {
        return new RateLimitPolicySettings(p.name(), p.key(), p.rate(), p.period(), p.burst(), p.missingKey(),
                exempt, p.dryRun(), p.ipv6Prefix());
    }

    static RateLimitPolicySettings dryRun(RateLimitPolicySettings p) {
        return new RateLimitPolicySettings(p.name(), p.key(), p.rate(), p.period(), p.burst(), p.missingKey(),
                p.exempt(), true, p.ipv6Prefix());
    }

    static RateLimitPolicySettings withIpv6Prefix(RateLimitPolicySettings p, int bits) {
        return new RateLimitPolicySettings(p.name(), p.key(), p.rate(), p.period(), p.burst(), p.missingKey(),
                p.exempt(), p.dryRun(), bits);
    }

    static Key key(String text) {
        if (text.equals("client-ip")) {
            return new Key(KeyKind.CLIENT_IP, "");
        }
        if (text.equals("route")) {
            return new Key(KeyKind.ROUTE, "");
        }
        if (text.startsWith("header:")) {
            return new Key(KeyKind.HEADER, text.substring(7));
        }
        if (text.startsWith("cookie:")) {
            return new Key(KeyKind.COOKIE, text.substring(7));
        }
        throw new IllegalArgumentException(text);
    }

    static RedisSettings redis(String uri, RedisSettings.OnError onError) {
        return new RedisSettings(uri, Duration.ofMillis(500), onError, 3, Duration.ofSeconds(5));
    }

    static RateLimitingSettings local(Headers headers, int maxKeys, RateLimitPolicySettings... policies) {
        return settings(Store.LOCAL, headers, maxKeys, redis("redis://127.0.0.1:6379", RedisSettings.OnError.LOCAL),
                policies);
    }

    static RateLimitingSettings settings(Store store, Headers headers, int maxKeys, RedisSettings redis,
                                         RateLimitPolicySettings... policies) {
        Map<String, RateLimitPolicySettings> byName = new LinkedHashMap<>();
        for (RateLimitPolicySettings p : policies) {
            byName.put(p.name(), p);
        }
        return new RateLimitingSettings(byName, store, maxKeys, headers, redis);
    }
}
