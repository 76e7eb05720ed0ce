package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;

/**
 * One named rate-limit policy of {@code pier.rate-limits}: a token bucket of {@code burst} tokens per key, refilled
 * at {@code rate} tokens per {@code period}. Immutable.
 *
 * @param name the policy's name, as routes list it and as the rate-limit header fields show it
 * @param key what a request is counted by
 * @param rate tokens added to a bucket per period
 * @param period a whole number of seconds
 * @param burst the bucket's size: how many requests may come at once
 * @param missingKey what a request without the header or cookie of {@code key} gets
 * @param exempt client addresses and CIDR blocks that no bucket counts
 * @param dryRun whether requests over the limit are counted, logged and shown in headers, but never refused
 * @param ipv6Prefix how many leading bits of an IPv6 client address make its key
 */
public record RateLimitPolicySettings(String name, Key key, int rate, Duration period, int burst,
                                      MissingKey missingKey, List<String> exempt, boolean dryRun, int ipv6Prefix) {

    public RateLimitPolicySettings {
        requireNonNull(name, "name");
        requireNonNull(key, "key");
        requireNonNull(period, "period");
        requireNonNull(missingKey, "missingKey");
        exempt = List.copyOf(exempt);
        if (rate < 1) {
            throw new IllegalArgumentException("rate: " + rate + " (expected: > 0)");
        }
        if (burst < 1) {
            throw new IllegalArgumentException("burst: " + burst + " (expected: > 0)");
        }
        if (period.isNegative() || period.isZero() || period.getNano() != 0) {
            throw new IllegalArgumentException("period: " + period + " (expected: a whole number of seconds, > 0)");
        }
    }

    /**
     * Whether the buckets of this policy mean the same as those of {@code other}, so that they may be kept across
     * a reload: the same key (and IPv6 grouping), rate, period and burst.
     */
    public boolean sameBuckets(RateLimitPolicySettings other) {
        return key.equals(other.key) && rate == other.rate && period.equals(other.period) && burst == other.burst
                && (key.kind() == KeyKind.ROUTE || ipv6Prefix == other.ipv6Prefix);
    }

    /**
     * What a request is counted by. Immutable.
     *
     * @param name the header or cookie name; empty for {@link KeyKind#CLIENT_IP} and {@link KeyKind#ROUTE}
     */
    public record Key(KeyKind kind, String name) {

        public Key {
            requireNonNull(kind, "kind");
            requireNonNull(name, "name");
        }

        /** The key as the configuration writes it: {@code client-ip}, {@code header:X-User}, ... */
        public String configText() {
            return switch (kind) {
                case CLIENT_IP -> "client-ip";
                case ROUTE -> "route";
                case HEADER -> "header:" + name;
                case COOKIE -> "cookie:" + name;
            };
        }
    }

    /** Where a policy's key comes from. */
    public enum KeyKind {
        /** The client's address, as the client-address stage resolved it. */
        CLIENT_IP,
        /** A request header. */
        HEADER,
        /** A request cookie. */
        COOKIE,
        /** Nothing: one bucket for the whole route. */
        ROUTE
    }

    /** What a request gets when it lacks the header or cookie that a policy counts by. */
    public enum MissingKey {
        /** It is counted by its client address instead. */
        CLIENT_IP("client-ip"),
        /** It is not counted. */
        ALLOW("allow"),
        /** It is refused. */
        DENY("deny");

        private final String configName;

        MissingKey(String configName) {
            this.configName = configName;
        }

        /** The name used in the configuration file. */
        public String configName() {
            return configName;
        }
    }
}
