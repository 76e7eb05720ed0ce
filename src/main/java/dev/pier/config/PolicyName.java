package dev.pier.config;

/** The balancing policies a route may name with {@code policy = ...}. */
public enum PolicyName {
    /** Each backend in turn; with weights, smooth weighted round robin. */
    ROUND_ROBIN("round-robin"),
    /** The backend with the fewest requests in flight, relative to its weight. */
    LEAST_CONNECTIONS("least-connections"),
    /** Two backends at random; the one with fewer requests in flight. */
    RANDOM_TWO_CHOICES("random-two-choices"),
    /** A ring with virtual nodes over a key of the request ({@code hash-key}). */
    CONSISTENT_HASH("consistent-hash"),
    /** A cookie that brings a client back to the backend that served it first. */
    STICKY_COOKIE("sticky-cookie");

    private final String configName;

    PolicyName(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration file. */
    public String configName() {
        return configName;
    }
}
