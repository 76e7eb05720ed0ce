package dev.pier.routing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.PassiveHealth;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.balancing.RequestInfo;
import dev.pier.config.RouteSettings;
import dev.pier.config.WhenAllDown;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A path prefix, the pool of backends that serve it, the policy that chooses among them and how failures are
 * handled. Thread-safe: its fields are final, the pool, policy and passive health are thread-safe, and the
 * all-down state is one atomic flag.
 */
public final class Route {

    /** The switch into and out of "every backend down" is an event: see the README, "Observability". */
    private static final Logger events = LoggerFactory.getLogger("pier.events");

    private final RouteSettings settings;
    private final String prefix;
    private final boolean stripPrefix;
    private final BackendPool pool;
    private final BalancingPolicy policy;
    private final long requestTimeoutMillis;
    private final PassiveHealth passiveHealth;
    private final boolean tryAllWhenDown;
    private final int retries;
    /** Whether the last request found every backend down; flips log the switch once each way. */
    private final AtomicBoolean allDown = new AtomicBoolean();
    /** Tries beyond the first, for status and tests. */
    private final AtomicLong retried = new AtomicLong();

    public Route(RouteSettings settings, BackendPool pool, BalancingPolicy policy) {
        this.settings = requireNonNull(settings, "settings");
        this.prefix = settings.prefix();
        this.stripPrefix = settings.stripPrefix();
        this.pool = requireNonNull(pool, "pool");
        this.policy = requireNonNull(policy, "policy");
        this.requestTimeoutMillis = settings.requestTimeout().toMillis();
        this.passiveHealth = new PassiveHealth(prefix, pool, settings.passiveHealth().consecutiveFailures(),
                settings.passiveHealth().count5xx());
        this.tryAllWhenDown = settings.whenAllDown() == WhenAllDown.TRY_ALL;
        this.retries = settings.retries();
    }

    public PassiveHealth passiveHealth() {
        return passiveHealth;
    }

    /** How many other backends a failed request may be tried on. */
    public int retries() {
        return retries;
    }

    /** Tries beyond the first so far. */
    public long retried() {
        return retried.get();
    }

    /** Counts one more try beyond the first. */
    public void countRetry() {
        retried.incrementAndGet();
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

    /**
     * The backend for the next request, or null when none is eligible; with {@code when-all-down = try-all},
     * any backend when none is eligible.
     */
    public @Nullable Backend select(RequestInfo request) {
        return policy.select(candidates(), request);
    }

    /**
     * The backend for another try of a request that failed on each of {@code tried}, or null when no other
     * is a candidate.
     */
    public @Nullable Backend selectOther(RequestInfo request, List<Backend> tried) {
        List<Backend> candidates = candidates();
        List<Backend> others = new ArrayList<>(candidates.size());
        for (Backend backend : candidates) {
            if (!tried.contains(backend)) {
                others.add(backend);
            }
        }
        return policy.select(others, request);
    }

    /** The eligible backends, or in try-all mode every backend when none is eligible. */
    private List<Backend> candidates() {
        List<Backend> eligible = pool.snapshot().eligible();
        boolean none = eligible.isEmpty();
        if (none != allDown.get() && allDown.compareAndSet(!none, none)) {
            if (none) {
                events.warn("Every backend of route {} is down: {}", prefix, tryAllWhenDown
                        ? "trying all of them anyway (when-all-down = try-all)" : "answering 503 (when-all-down = fail)");
            } else {
                events.info("Route {} has an eligible backend again", prefix);
            }
        }
        return none && tryAllWhenDown ? pool.backends() : eligible;
    }

    @Override
    public String toString() {
        return prefix;
    }
}
