package dev.pier.config;

/** The balancing policies a route may name with {@code policy = ...}. */
public enum PolicyName {
    ROUND_ROBIN("round-robin");

    private final String configName;

    PolicyName(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration file. */
    public String configName() {
        return configName;
    }
}
