package dev.pier.routing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.AdminState;
import dev.pier.backend.AdminStatus;
import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.backend.PassiveHealth;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.balancing.RequestInfo;
import dev.pier.config.RouteSettings;
import dev.pier.config.WhenAllDown;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A path prefix, on any host or on some, the pool of backends that serve it, the policy that chooses among them
 * and how failures are handled. Thread-safe: its fields are final, the pool, policy and passive health are
 * thread-safe, and the all-down state is one atomic flag.
 */
public final class Route {

    /** The switch into and out of "every backend down" is an event: see the README, "Observability". */
    private static final Logger events = LoggerFactory.getLogger("pier.events");

    private final RouteSettings settings;
    private final String prefix;
    private final String name;
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
        this.name = settings.name();
        this.stripPrefix = settings.stripPrefix();
        this.pool = requireNonNull(pool, "pool");
        this.policy = requireNonNull(policy, "policy");
        this.requestTimeoutMillis = settings.requestTimeout().toMillis();
        this.passiveHealth = new PassiveHealth(name, pool, settings.passiveHealth().consecutiveFailures(),
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

    /**
     * What identifies the route to operators and across a reload (status, metrics, admin {@code route=}): for a
     * route without hosts and without a name of its own, its prefix.
     */
    public String name() {
        return name;
    }

    /** The host patterns the route answers, lower case; empty for any host. */
    public List<String> hosts() {
        return settings.hosts();
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
     * any ready backend when none is eligible. A sticky-cookie client pinned to a draining backend still goes there.
     */
    public @Nullable Backend select(RequestInfo request) {
        BackendPool.Snapshot snapshot = pool.snapshot();
        return policy.select(candidates(snapshot), snapshot.pinnable(), request);
    }

    /**
     * The backend that {@link #select} would choose now, without choosing it or changing anything: for
     * {@code /_pier/explain}.
     */
    public @Nullable Backend peek(RequestInfo request) {
        BackendPool.Snapshot snapshot = pool.snapshot();
        List<Backend> eligible = snapshot.eligible();
        return policy.peek(eligible.isEmpty() && tryAllWhenDown ? snapshot.inService() : eligible,
                snapshot.pinnable(), request);
    }

    /** Whether, with no backend eligible, this route still sends requests to its ready backends. */
    public boolean triesAllWhenDown() {
        return tryAllWhenDown;
    }

    /**
     * The backend for another try of a request that failed on each of {@code tried}, or null when no other
     * is a candidate. A backend that drains is never one, even for a client pinned to it.
     */
    public @Nullable Backend selectOther(RequestInfo request, List<Backend> tried) {
        List<Backend> candidates = candidates(pool.snapshot());
        List<Backend> others = new ArrayList<>(candidates.size());
        for (Backend backend : candidates) {
            if (!tried.contains(backend)) {
                others.add(backend);
            }
        }
        return policy.select(others, request);
    }

    /**
     * The eligible backends, or in try-all mode every ready backend when none is eligible: a backend an operator
     * drains or maintains stays out either way.
     */
    private List<Backend> candidates(BackendPool.Snapshot snapshot) {
        List<Backend> eligible = snapshot.eligible();
        boolean none = eligible.isEmpty();
        if (none != allDown.get() && allDown.compareAndSet(!none, none)) {
            if (none) {
                events.warn("Every backend of route {} is down, draining or in maintenance: {}", name, tryAllWhenDown
                        ? "trying the ready ones anyway (when-all-down = try-all)" : "answering 503 (when-all-down = fail)");
            } else {
                events.info("Route {} has an eligible backend again", name);
            }
        }
        return none && tryAllWhenDown ? snapshot.inService() : eligible;
    }

    /**
     * Sets the admin state of {@code backend}, one of this route's, and logs the change to {@code pier.events}. A
     * state other than ready is watched until the backend has no request in flight, which is logged once as
     * {@code drained} and shown in status.
     *
     * @param reason who asked, for status and the event log
     * @return the state before, when it changed; else null
     */
    public @Nullable AdminState steer(Backend backend, AdminState state, String reason) {
        AdminState before = backend.adminState();
        AdminStatus episode = pool.steer(backend, state, reason);
        if (episode == null) {
            return null;
        }
        events.info("Backend {} of route {}: {} -> {} ({}); {} in flight", backend, name, before.configName(),
                state.configName(), reason, backend.inFlight());
        if (state != AdminState.READY) {
            backend.whenIdle(() -> {
                AdminStatus drained = pool.markDrained(backend, episode);
                if (drained != null && drained.drainedAt() != null) {
                    events.info("Backend {} of route {} drained: no request in flight, {} ms after {} began", backend,
                            name, Duration.between(episode.since(), drained.drainedAt()).toMillis(),
                            state.configName());
                }
            });
        }
        return before;
    }

    /**
     * Sets the weight that this route balances {@code backend} by, and logs the change to {@code pier.events}.
     *
     * @return the weight before, when it changed; else null
     */
    public @Nullable Integer weigh(Backend backend, int weight, String reason) {
        int before = backend.weight();
        if (!pool.weight(backend, weight, reason)) {
            return null;
        }
        events.info("Backend {} of route {}: weight {} -> {} ({})", backend, name, before, weight, reason);
        return before;
    }

    @Override
    public String toString() {
        return name;
    }
}
