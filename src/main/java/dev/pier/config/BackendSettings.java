package dev.pier.config;

/**
 * One backend of a route: its base URL, always {@code scheme://host:port} with no path, and its weight.
 * Immutable.
 */
public record BackendSettings(String scheme, String host, int port, int weight) {

    /** The largest weight, as HAProxy's: a policy's schedule or ring grows with the weights. */
    public static final int MAX_WEIGHT = 256;

    /** {@code scheme://host:port}, the form used in logs and status. */
    public String url() {
        return scheme + "://" + (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
    }
}
