package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * The Redis server that holds the rate-limit buckets with {@code pier.rate-limiting.store = redis}. Immutable.
 *
 * @param uri a {@code redis://} or {@code rediss://} URI
 * @param timeout the longest a decision waits for Redis
 * @param onError what a decision is when Redis does not answer in time or fails
 * @param pauseAfter failures in a row after which Pier stops asking Redis for {@code pause}
 * @param pause how long Pier applies {@code onError} without asking Redis, once it stopped asking
 */
public record RedisSettings(String uri, Duration timeout, OnError onError, int pauseAfter, Duration pause) {

    public RedisSettings {
        requireNonNull(uri, "uri");
        requireNonNull(timeout, "timeout");
        requireNonNull(onError, "onError");
        requireNonNull(pause, "pause");
    }

    /** Whether a connection made for {@code other} serves these settings as well: all but on-error are the same. */
    public boolean sameConnection(RedisSettings other) {
        return uri.equals(other.uri) && timeout.equals(other.timeout) && pauseAfter == other.pauseAfter
                && pause.equals(other.pause);
    }

    /** The settings with the URI's password left out, for logs. */
    @Override
    public String toString() {
        return "RedisSettings[uri=" + uri.replaceFirst("//[^@/]*@", "//***@") + ", timeout=" + timeout + ", onError="
                + onError + ", pauseAfter=" + pauseAfter + ", pause=" + pause + "]";
    }

    /** What a decision is when Redis cannot make it. */
    public enum OnError {
        /** This Pier's own buckets decide, as with {@code store = local}. */
        LOCAL("local"),
        /** The request is allowed. */
        ALLOW("allow"),
        /** The request is refused. */
        DENY("deny");

        private final String configName;

        OnError(String configName) {
            this.configName = configName;
        }

        /** The name used in the configuration file. */
        public String configName() {
            return configName;
        }
    }
}
