package dev.pier.routing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.balancing.RequestInfo;
import dev.pier.config.RouteSettings;
import org.jspecify.annotations.Nullable;

/**
 * A path prefix, the pool of backends that serve it and the policy that chooses among them. Thread-safe: its
 * fields are final and the pool and policy are thread-safe.
 */
public final class Route {

    private final RouteSettings settings;
    private final String prefix;
    private final boolean stripPrefix;
    private final BackendPool pool;
    private final BalancingPolicy policy;
    private final long requestTimeoutMillis;

    public Route(RouteSettings settings, BackendPool pool, BalancingPolicy policy) {
        this.settings = requireNonNull(settings, "settings");
        this.prefix = settings.prefix();
        this.stripPrefix = settings.stripPrefix();
        this.pool = requireNonNull(pool, "pool");
        this.policy = requireNonNull(policy, "policy");
        this.requestTimeoutMillis = settings.requestTimeout().toMillis();
    }

    public RouteSettings settings() {
        return settings;
    }

    public String prefix() {
        return prefix;
    }

    public BackendPool pool() {
        return pool;
    }

    /** The policy, shared with the route that replaces this one on a reload when its policy is the same. */
    public BalancingPolicy policy() {
        return policy;
    }

    public long requestTimeoutMillis() {
        return requestTimeoutMillis;
    }

    /** Whether {@code path} is the prefix or below it on a segment boundary. */
    boolean matches(String path) {
        if (!path.startsWith(prefix)) {
            return false;
        }
        int length = prefix.length();
        return path.length() == length || prefix.charAt(length - 1) == '/' || path.charAt(length) == '/';
    }

    /** The path to send to the backend: {@code path} itself, or without the prefix when it is stripped. */
    public String backendPath(String path) {
        if (!stripPrefix || prefix.equals("/")) {
            return path;
        }
        return path.length() == prefix.length() ? "/" : path.substring(prefix.length());
    }

    /** The backend for the next request, or null when none is eligible. */
    public @Nullable Backend select(RequestInfo request) {
        return policy.select(pool.snapshot().eligible(), request);
    }

    @Override
    public String toString() {
        return prefix;
    }
}
