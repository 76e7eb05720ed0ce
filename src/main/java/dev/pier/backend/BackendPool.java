package dev.pier.backend;

import static java.util.Objects.requireNonNull;

import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The backends of one route and their health. Thread-safe: health changes are rare and serialized by
 * {@code this}; each builds new immutable lists and publishes them through one volatile field, which request
 * threads read without locking.
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
        int index = backends.indexOf(backend);
        if (index < 0) {
            throw new IllegalArgumentException("backend: " + backend + " (expected: one of " + backends + ")");
        }
        return snapshot.statuses().get(index).health();
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
        int index = backends.indexOf(backend);
        if (index < 0) {
            throw new IllegalArgumentException("backend: " + backend + " (expected: one of " + backends + ")");
        }
        if (statuses.get(index).health() == health) {
            return false;
        }
        statuses.set(index, new BackendStatus(backend, health, reason, clock.instant()));
        snapshot = Snapshot.of(statuses);
        events.changed(backend, health);
        return true;
    }

    /**
     * What request threads read: the eligible backends, in configured order, and every backend's status.
     * Immutable.
     */
    public record Snapshot(List<Backend> eligible, List<BackendStatus> statuses) {

        static Snapshot of(List<BackendStatus> statuses) {
            List<Backend> eligible = new ArrayList<>(statuses.size());
            for (BackendStatus status : statuses) {
                if (status.health().eligible()) {
                    eligible.add(status.backend());
                }
            }
            return new Snapshot(List.copyOf(eligible), List.copyOf(statuses));
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
