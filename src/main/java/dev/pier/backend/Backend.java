package dev.pier.backend;

import static java.util.Objects.requireNonNull;

/**
 * One backend instance of a route: where it is and its weight. Compared by identity, so that two routes naming
 * the same address keep separate health. Immutable.
 */
public final class Backend {

    private final String url;
    private final String host;
    private final int port;
    private final int weight;

    /**
     * @param url {@code scheme://host:port} with no trailing slash
     */
    public Backend(String url, String host, int port, int weight) {
        this.url = requireNonNull(url, "url");
        this.host = requireNonNull(host, "host");
        if (port < 1 || port > 65535) {
            throw new IllegalArgumentException("port: " + port + " (expected: 1-65535)");
        }
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
        }
        this.port = port;
        this.weight = weight;
    }

    /** {@code scheme://host:port}, with no trailing slash: a request path is appended to it as is. */
    public String url() {
        return url;
    }

    public String host() {
        return host;
    }

    public int port() {
        return port;
    }

    public int weight() {
        return weight;
    }

    @Override
    public String toString() {
        return url;
    }
}
