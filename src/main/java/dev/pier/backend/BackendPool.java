package dev.pier.backend;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The backends of one route, their health and what operators set (admin state, weight). Thread-safe: changes are
 * rare and serialized by {@code this}; each builds new immutable lists and publishes them through one volatile
 * field, which request threads read without locking.
 */
public final class BackendPool {

    private final List<Backend> backends;
    private final Clock clock;
    /** Written under {@code this}, read by any thread. */
    private volatile Snapshot snapshot;
    /** Who is told of probes and changes; set once the route's metrics are bound. */
    private volatile BackendEvents events = BackendEvents.NONE;

    public BackendPool(List<Backend> backends) {
        this(backends, Clock.systemUTC());
    }

    BackendPool(List<Backend> backends, Clock clock) {
        this.backends = List.copyOf(requireNonNull(backends, "backends"));
        if (this.backends.isEmpty()) {
            throw new IllegalArgumentException("backends: [] (expected: at least one)");
        }
        this.clock = requireNonNull(clock, "clock");
        List<BackendStatus> statuses = new ArrayList<>(this.backends.size());
        for (Backend backend : this.backends) {
            statuses.add(new BackendStatus(backend, Health.UNKNOWN, "not probed yet", clock.instant()));
        }
        this.snapshot = Snapshot.of(statuses);
    }

    /**
     * A pool for a reloaded route: each backend that {@code previous} holds too (the same instance) keeps its
     * status, reason and since; the others start unknown.
     */
    public static BackendPool carryingOver(List<Backend> backends, BackendPool previous) {
        requireNonNull(previous, "previous");
        BackendPool pool = new BackendPool(backends, previous.clock);
        List<BackendStatus> statuses = new ArrayList<>(pool.backends.size());
        List<BackendStatus> before = previous.snapshot().statuses();
        for (BackendStatus fresh : pool.snapshot.statuses()) {
            BackendStatus kept = fresh;
            for (BackendStatus old : before) {
                if (old.backend() == fresh.backend()) {
                    kept = old;
                }
            }
            statuses.add(kept);
        }
        pool.snapshot = Snapshot.of(statuses);
        return pool;
    }

    /** Every backend of the route, in configured order. */
    public List<Backend> backends() {
        return backends;
    }

    /** Who is told of this pool's probes, changes and ejections. */
    public BackendEvents events() {
        return events;
    }

    /** Tells {@code events} of this pool's probes, changes and ejections from now on. */
    public void events(BackendEvents events) {
        this.events = requireNonNull(events, "events");
    }

    /** The current snapshot; request threads call this once per request. */
    public Snapshot snapshot() {
        return snapshot;
    }

    /** The current health of {@code backend}. */
    public Health health(Backend backend) {
        return snapshot.statuses().get(indexOf(backend)).health();
    }

    private int indexOf(Backend backend) {
        int index = backends.indexOf(backend);
        if (index < 0) {
            throw new IllegalArgumentException("backend: " + backend + " (expected: one of " + backends + ")");
        }
        return index;
    }

    /**
     * Records that {@code backend} is now {@code health} and republishes the snapshot when that is a change.
     *
     * @return whether the health changed
     */
    public synchronized boolean update(Backend backend, Health health, String reason) {
        requireNonNull(health, "health");
        requireNonNull(reason, "reason");
        List<BackendStatus> statuses = new ArrayList<>(snapshot.statuses());
        int index = indexOf(backend);
        if (statuses.get(index).health() == health) {
            return false;
        }
        BackendStatus now = new BackendStatus(backend, health, reason, clock.instant());
        backend.transition(new Transition(now.since(), "health", statuses.get(index).health().name(), health.name(),
                reason));
        statuses.set(index, now);
        snapshot = Snapshot.of(statuses);
        events.changed(backend, health);
        return true;
    }

    /**
     * Sets {@code backend}'s admin state and republishes the snapshot when that is a change; the backend's
     * requests in flight go on. The caller watches for the end of a drain ({@link Backend#whenIdle}, then
     * {@link #markDrained}).
     *
     * @param reason who asked, for status and the event log
     * @return the new status when the state changed, else null
     */
    public synchronized @Nullable AdminStatus steer(Backend backend, AdminState state, String reason) {
        requireNonNull(state, "state");
        requireNonNull(reason, "reason");
        indexOf(backend);
        AdminStatus before = backend.adminStatus();
        if (before.state() == state) {
            return null;
        }
        AdminStatus now = new AdminStatus(state, reason, clock.instant(), null);
        backend.adminStatus(now);
        backend.transition(new Transition(now.since(), "admin", before.state().configName(), state.configName(),
                reason));
        snapshot = Snapshot.of(snapshot.statuses());
        return now;
    }

    /**
     * Marks the drain (or maintenance) {@code episode} of {@code backend} drained now, unless its state changed
     * since or it already is.
     *
     * @return the drained status when this call marked it (once an episode), else null
     */
    public @Nullable AdminStatus markDrained(Backend backend, AdminStatus episode) {
        return backend.markDrained(episode, clock.instant()) ? backend.adminStatus() : null;
    }

    /**
     * Sets the weight that {@code backend} is balanced by and republishes the snapshot, so that every policy
     * rebuilds what it derived from the weights (a schedule, a ring).
     *
     * @return whether the weight changed
     */
    public synchronized boolean weight(Backend backend, int weight, String reason) {
        if (weight < 1) {
            throw new IllegalArgumentException("weight: " + weight + " (expected: > 0)");
        }
        requireNonNull(reason, "reason");
        indexOf(backend);
        int before = backend.weight();
        if (before == weight) {
            return false;
        }
        backend.weight(weight);
        backend.transition(new Transition(clock.instant(), "weight", Integer.toString(before),
                Integer.toString(weight), reason));
        snapshot = Snapshot.of(snapshot.statuses());
        return true;
    }

    /**
     * What request threads read. Immutable; each list in configured order.
     *
     * @param eligible the backends a new request may go to: healthy (or not yet probed) and ready
     * @param pinnable those a sticky-cookie client already pinned to one may go to: healthy and ready or draining;
     *     the same instance as {@code eligible} when no backend drains
     * @param inService the ready backends, whatever their health: where {@code when-all-down = try-all} sends
     *     requests when none is eligible
     */
    public record Snapshot(List<Backend> eligible, List<Backend> pinnable, List<Backend> inService,
                           List<BackendStatus> statuses) {

        static Snapshot of(List<BackendStatus> statuses) {
            List<Backend> eligible = new ArrayList<>(statuses.size());
            List<Backend> pinnable = new ArrayList<>(statuses.size());
            List<Backend> inService = new ArrayList<>(statuses.size());
            for (BackendStatus status : statuses) {
                AdminState state = status.backend().adminState();
                boolean healthy = status.health().eligible();
                if (state == AdminState.READY) {
                    inService.add(status.backend());
                    if (healthy) {
                        eligible.add(status.backend());
                    }
                }
                if (healthy && state != AdminState.MAINT) {
                    pinnable.add(status.backend());
                }
            }
            List<Backend> ready = List.copyOf(eligible);
            return new Snapshot(ready, pinnable.equals(eligible) ? ready : List.copyOf(pinnable),
                    List.copyOf(inService), List.copyOf(statuses));
        }

        /** Whether every backend has had its first probe. */
        public boolean allProbed() {
            for (BackendStatus status : statuses) {
                if (status.health() == Health.UNKNOWN) {
                    return false;
                }
            }
            return true;
        }
    }
}
