package dev.pier.backend;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * One backend instance of a route: where it is, its weight, its admin state, how many requests are in flight to
 * it, and its recent probes and transitions. Compared by identity, so that two routes naming the same address keep
 * separate health, load and state; a reload that keeps the backend keeps the instance, and so all of these.
 * Thread-safe: its address and configured weight are immutable; the in-flight count is one atomic, maintained by
 * the proxy; the weight and admin state are written only by its {@link BackendPool}, under the pool's lock, which
 * then publishes a new snapshot (the drained mark, which no snapshot depends on, is a compare-and-set); the
 * histories are guarded by their own locks.
 */
public final class Backend {

    /** Probe results and transitions kept for status. */
    static final int HISTORY = 10;

    private final String url;
    private final String authority;
    private final String host;
    private final int port;
    private final int configuredWeight;
    /** The weight that policies use: the configured one until an operator changes it. */
    private volatile int weight;
    private final AtomicReference<AdminStatus> admin;
    /** Requests sent to this backend whose exchange has not completed; written by the proxy, read by policies. */
    private final AtomicInteger inFlight = new AtomicInteger();
    private final IdleHooks idleHooks = new IdleHooks();
    private final Recent<ProbeRecord> probes = new Recent<>(HISTORY);
    private final Recent<Transition> transitions = new Recent<>(HISTORY);

    /**
     * @param url {@code scheme://host:port} with no trailing slash
     * @param weight the configured weight; the backend starts {@link AdminState#READY} with it
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
        this.configuredWeight = weight;
        this.weight = weight;
        this.admin = new AtomicReference<>(new AdminStatus(AdminState.READY, "configured", Instant.now(), null));
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

    /** The weight balancing uses now: the configured one, or the one an operator set since. */
    public int weight() {
        return weight;
    }

    /** The weight the configuration file gives. */
    public int configuredWeight() {
        return configuredWeight;
    }

    /** Only the pool, which republishes its snapshot after it. */
    void weight(int newWeight) {
        weight = newWeight;
    }

    /** The admin state and since when. */
    public AdminStatus adminStatus() {
        return admin.get();
    }

    public AdminState adminState() {
        return admin.get().state();
    }

    /** Only the pool, which republishes its snapshot after it. */
    void adminStatus(AdminStatus status) {
        admin.set(status);
    }

    /**
     * Marks {@code episode} drained at {@code at}, unless the state changed since or it already is.
     *
     * @return whether this call marked it: true at most once an episode
     */
    boolean markDrained(AdminStatus episode, Instant at) {
        return episode.drainedAt() == null && admin.compareAndSet(episode, episode.drained(at));
    }

    /** Requests sent to this backend whose exchange has not completed yet. */
    public int inFlight() {
        return inFlight.get();
    }

    /** The proxy is sending a request to this backend; pair with exactly one {@link #requestDone()}. */
    public void requestSent() {
        inFlight.incrementAndGet();
    }

    /** An exchange with this backend completed or failed; at zero in flight, the idle actions run on this thread. */
    public void requestDone() {
        if (inFlight.decrementAndGet() == 0) {
            idleHooks.fire();
        }
    }

    /**
     * Runs {@code action} once, as soon as no request is in flight: at once, on this thread, when none is;
     * otherwise on the thread that completes the last one, so it must be quick and must not block.
     *
     * @return cancels the action if it has not run yet
     */
    public Runnable whenIdle(Runnable action) {
        requireNonNull(action, "action");
        return idleHooks.add(action, inFlight::get);
    }

    /** Records one health probe's outcome. */
    public void probed(ProbeRecord probe) {
        probes.add(requireNonNull(probe, "probe"));
    }

    /** The last {@value #HISTORY} probes, oldest first. */
    public List<ProbeRecord> recentProbes() {
        return probes.list();
    }

    void transition(Transition transition) {
        transitions.add(transition);
    }

    /** The last {@value #HISTORY} changes of health, admin state or weight, oldest first. */
    public List<Transition> recentTransitions() {
        return transitions.list();
    }

    @Override
    public String toString() {
        return url;
    }
}
