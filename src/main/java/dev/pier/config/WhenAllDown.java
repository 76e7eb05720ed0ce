package dev.pier.config;

/** What a route does when every one of its backends is down. */
public enum WhenAllDown {
    /** Answer 503 with {@code Retry-After}. */
    FAIL("fail"),
    /** Send to every backend anyway, as if all were up (Envoy's panic mode). */
    TRY_ALL("try-all");

    private final String configName;

    WhenAllDown(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration file. */
    public String configName() {
        return configName;
    }
}
