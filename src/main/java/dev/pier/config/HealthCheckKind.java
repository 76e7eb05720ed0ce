package dev.pier.config;

/** How a backend is probed. */
public enum HealthCheckKind {
    /** {@code GET path}; a 2xx or 3xx answer is healthy. */
    HTTP("http"),
    /** A TCP connection that opens is healthy. */
    TCP("tcp");

    private final String configName;

    HealthCheckKind(String configName) {
        this.configName = configName;
    }

    /** The name used in the configuration file. */
    public String configName() {
        return configName;
    }
}
