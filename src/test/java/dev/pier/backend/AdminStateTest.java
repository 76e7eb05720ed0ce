package dev.pier.backend;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** Admin states in a pool's snapshot, the idle hook, the drained mark and the history a backend keeps. */
class AdminStateTest {

    private final Backend a = new Backend("http://127.0.0.1:8001", "127.0.0.1", 8001, 1);
    private final Backend b = new Backend("http://127.0.0.1:8002", "127.0.0.1", 8002, 1);
    private final Backend c = new Backend("http://127.0.0.1:8003", "127.0.0.1", 8003, 1);
    private final BackendPool pool = new BackendPool(List.of(a, b, c));

    @Test
    void aBackendStartsReadyWithItsConfiguredWeight() {
        assertThat(a.adminState()).isEqualTo(AdminState.READY);
        assertThat(a.adminStatus().drainedAt()).isNull();
        assertThat(pool.snapshot().eligible()).containsExactly(a, b, c);
        assertThat(pool.snapshot().pinnable()).isSameAs(pool.snapshot().eligible());
    }

    @Test
    void aDrainingBackendTakesNoNewRequestButStaysPinnable() {
        AdminStatus episode = pool.steer(b, AdminState.DRAIN, "test");

        assertThat(episode).isNotNull();
        assertThat(episode.state()).isEqualTo(AdminState.DRAIN);
        BackendPool.Snapshot snapshot = pool.snapshot();
        assertThat(snapshot.eligible()).containsExactly(a, c);
        assertThat(snapshot.pinnable()).containsExactly(a, b, c);
        assertThat(snapshot.inService()).containsExactly(a, c);
    }

    @Test
    void aBackendInMaintenanceIsInNoList() {
        pool.steer(c, AdminState.MAINT, "test");

        BackendPool.Snapshot snapshot = pool.snapshot();
        assertThat(snapshot.eligible()).containsExactly(a, b);
        assertThat(snapshot.pinnable()).containsExactly(a, b);
        assertThat(snapshot.inService()).containsExactly(a, b);
    }

    @Test
    void healthAndAdminStateBothCount() {
        pool.update(a, Health.DOWN, "HTTP 503");
        pool.steer(b, AdminState.DRAIN, "test");

        BackendPool.Snapshot snapshot = pool.snapshot();
        assertThat(snapshot.eligible()).containsExactly(c);
        assertThat(snapshot.pinnable()).containsExactly(b, c);
        // try-all's list: ready, whatever the health.
        assertThat(snapshot.inService()).containsExactly(a, c);

        pool.update(a, Health.UP, "HTTP 200");
        pool.steer(b, AdminState.READY, "test");
        assertThat(pool.snapshot().eligible()).containsExactly(a, b, c);
    }

    @Test
    void settingTheSameStateAgainChangesNothing() {
        AdminStatus first = pool.steer(b, AdminState.DRAIN, "first");
        BackendPool.Snapshot snapshot = pool.snapshot();

        assertThat(pool.steer(b, AdminState.DRAIN, "again")).isNull();

        assertThat(b.adminStatus()).isSameAs(first);
        assertThat(pool.snapshot()).isSameAs(snapshot);
    }

    @Test
    void aBackendOfAnotherPoolIsRefused() {
        Backend stranger = new Backend("http://127.0.0.1:8009", "127.0.0.1", 8009, 1);
        assertThatThrownBy(() -> pool.steer(stranger, AdminState.DRAIN, "test"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("backend: http://127.0.0.1:8009");
        assertThatThrownBy(() -> pool.weight(stranger, 2, "test")).isInstanceOf(IllegalArgumentException.class);
        assertThatThrownBy(() -> pool.weight(a, 0, "test")).hasMessage("weight: 0 (expected: > 0)");
    }

    @Test
    void theIdleHookRunsAtOnceWhenNothingIsInFlight() {
        AtomicInteger runs = new AtomicInteger();

        a.whenIdle(runs::incrementAndGet);

        assertThat(runs).hasValue(1);
    }

    @Test
    void theIdleHookRunsOnceWhenTheLastRequestEnds() {
        AtomicInteger runs = new AtomicInteger();
        a.requestSent();
        a.requestSent();

        a.whenIdle(runs::incrementAndGet);
        a.requestDone();
        assertThat(runs).hasValue(0);
        a.requestDone();
        assertThat(runs).hasValue(1);

        a.requestSent();
        a.requestDone();
        assertThat(runs).hasValue(1);
    }

    @Test
    void aCancelledIdleHookNeverRuns() {
        AtomicInteger runs = new AtomicInteger();
        a.requestSent();

        Runnable cancel = a.whenIdle(runs::incrementAndGet);
        cancel.run();
        a.requestDone();

        assertThat(runs).hasValue(0);
    }

    @Test
    void aFailingIdleHookDoesNotStopTheOthers() {
        AtomicInteger runs = new AtomicInteger();
        a.requestSent();
        a.whenIdle(() -> {
            throw new IllegalStateException("boom");
        });
        a.whenIdle(runs::incrementAndGet);

        a.requestDone();

        assertThat(runs).hasValue(1);
        assertThat(a.inFlight()).isZero();
    }

    @Test
    void anEpisodeIsMarkedDrainedOnceAndALaterEpisodeStartsAfresh() {
        AdminStatus episode = pool.steer(a, AdminState.DRAIN, "test");

        AdminStatus drained = pool.markDrained(a, episode);
        assertThat(drained).isNotNull();
        assertThat(drained.drainedAt()).isNotNull();
        assertThat(a.adminStatus()).isEqualTo(drained);
        assertThat(pool.markDrained(a, episode)).isNull();
        assertThat(pool.markDrained(a, drained)).isNull();

        pool.steer(a, AdminState.READY, "test");
        assertThat(pool.markDrained(a, episode)).isNull();
        assertThat(a.adminStatus().drainedAt()).isNull();
        AdminStatus second = pool.steer(a, AdminState.MAINT, "test");
        assertThat(second.drainedAt()).isNull();
        assertThat(pool.markDrained(a, second)).isNotNull();
    }

    @Test
    void theBackendKeepsItsLastTenTransitionsOfHealthAdminStateAndWeight() {
        pool.update(a, Health.UP, "first probe: HTTP 200");
        pool.steer(a, AdminState.DRAIN, "by test");
        pool.weight(a, 3, "by test");

        assertThat(a.recentTransitions()).extracting(Transition::kind, Transition::from, Transition::to,
                Transition::reason).containsExactly(
                org.assertj.core.groups.Tuple.tuple("health", "UNKNOWN", "UP", "first probe: HTTP 200"),
                org.assertj.core.groups.Tuple.tuple("admin", "ready", "drain", "by test"),
                org.assertj.core.groups.Tuple.tuple("weight", "1", "3", "by test"));

        for (int i = 0; i < 12; i++) {
            pool.update(a, i % 2 == 0 ? Health.DOWN : Health.UP, "flap " + i);
        }
        assertThat(a.recentTransitions()).hasSize(10).last().extracting(Transition::reason).isEqualTo("flap 11");
        assertThat(a.recentTransitions().get(0).reason()).isEqualTo("flap 2");
    }

    @Test
    void theBackendKeepsItsLastTenProbes() {
        for (int i = 0; i < 13; i++) {
            a.probed(new ProbeRecord(java.time.Instant.now(), i, i % 2 == 0, "probe " + i));
        }
        assertThat(a.recentProbes()).hasSize(10).extracting(ProbeRecord::reason).startsWith("probe 3")
                .endsWith("probe 12");
    }

    @Test
    void aPoolBuiltForAReloadStartsFromItsBackendsStates() {
        pool.steer(b, AdminState.DRAIN, "test");
        pool.steer(c, AdminState.MAINT, "test");
        pool.weight(a, 7, "test");

        BackendPool reloaded = BackendPool.carryingOver(List.of(c, b, a), pool);

        assertThat(reloaded.snapshot().eligible()).containsExactly(a);
        assertThat(reloaded.snapshot().pinnable()).containsExactly(b, a);
        assertThat(a.weight()).isEqualTo(7);
    }
}
