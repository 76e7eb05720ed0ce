package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Every rate-limit policy of {@code pier.rate-limits} and how buckets are kept ({@code pier.rate-limiting}).
 * Immutable.
 *
 * @param policies the policies by name
 * @param store where buckets are kept
 * @param maxKeys the most buckets kept per policy and route
 * @param headers which rate-limit header fields answers carry
 * @param redis the Redis server of {@link Store#REDIS}
 */
public record RateLimitingSettings(Map<String, RateLimitPolicySettings> policies, Store store, int maxKeys,
                                   Headers headers, RedisSettings redis) {

    public RateLimitingSettings {
        policies = Collections.unmodifiableMap(new LinkedHashMap<>(policies));
        requireNonNull(store, "store");
        requireNonNull(headers, "headers");
        requireNonNull(redis, "redis");
        if (maxKeys < 1) {
            throw new IllegalArgumentException("maxKeys: " + maxKeys + " (expected: > 0)");
        }
    }

    /** Where buckets are kept. */
    public enum Store {
        /** In this Pier's memory. */
        LOCAL("local"),
        /** In Redis, shared by every Pier that uses the same server. */
        REDIS("redis");

        private final String configName;

        Store(String configName) {
            this.configName = configName;
        }

        /** The name used in the configuration file. */
        public String configName() {
            return configName;
        }
    }

    /** Which rate-limit header fields answers carry. */
    public enum Headers {
        /** {@code RateLimit-Policy} and {@code RateLimit}, as the IETF httpapi draft defines them. */
        DRAFT("draft"),
        /** {@code X-RateLimit-Limit}, {@code X-RateLimit-Remaining} and {@code X-RateLimit-Reset}. */
        LEGACY("legacy"),
        /** None. */
        NONE("none");

        private final String configName;

        Headers(String configName) {
            this.configName = configName;
        }

        /** The name used in the configuration file. */
        public String configName() {
            return configName;
        }
    }
}
