package dev.pier.backend;

import static java.util.Objects.requireNonNull;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * One backend instance of a route: where it is, its weight, and how many requests are in flight to it. Compared
 * by identity, so that two routes naming the same address keep separate health and load. Thread-safe: its
 * identity is immutable; the in-flight count is one atomic, maintained by the proxy.
 */
public final class Backend {

    private final String url;
    private final String authority;
    private final String host;
    private final int port;
    private final int weight;
    /** Requests sent to this backend whose exchange has not completed; written by the proxy, read by policies. */
    private final AtomicInteger inFlight = new AtomicInteger();

    /**
     * @param url {@code scheme://host:port} with no trailing slash
     */
    public Backend(String url, String host, int port, int weight) {
        this.url = requireNonNull(url, "url");
        int scheme = url.indexOf("://");
        this.authority = scheme < 0 ? url : url.substring(scheme + 3);
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

    /** {@code host:port}: the {@code Host} header of a request sent to this backend. */
    public String authority() {
        return authority;
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

    /** Requests sent to this backend whose exchange has not completed yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The proxy is sending a request to this backend; pair with exactly one {@link #requestDone()}. */
    public void requestSent() {
        inFlight.incrementAndGet();
    }

    /** An exchange with this backend completed or failed. */
    public void requestDone() {
        inFlight.decrementAndGet();
    }

    @Override
    public String toString() {
        return url;
    }
}
