package dev.pier.balancing;

import static dev.pier.balancing.Backends.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A weight an operator sets through the pool reaches every policy: those that derive a schedule or a ring from the
 * weights rebuild it from the new snapshot; the others read the weight as they compare loads.
 */
class WeightChangeTest {

    private final List<Backend> backends = Backends.of(3);
    private final BackendPool pool = new BackendPool(backends);

    private List<String> picks(BalancingPolicy policy, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            BackendPool.Snapshot snapshot = pool.snapshot();
            names.add(name(policy.select(snapshot.eligible(), snapshot.pinnable(), RequestInfo.NONE)));
        }
        return names;
    }

    @Test
    void aWeightChangePublishesANewSnapshot() {
        BackendPool.Snapshot before = pool.snapshot();

        assertThat(pool.weight(backends.get(0), 5, "test")).isTrue();

        assertThat(pool.snapshot()).isNotSameAs(before);
        assertThat(pool.snapshot().eligible()).isNotSameAs(before.eligible()).isEqualTo(before.eligible());
        assertThat(backends.get(0).weight()).isEqualTo(5);
        assertThat(backends.get(0).configuredWeight()).isEqualTo(1);
        assertThat(pool.weight(backends.get(0), 5, "test")).isFalse();
    }

    @Test
    void roundRobinFollowsTheNewWeightsAtOnce() {
        BalancingPolicy policy = BalancingPolicy.roundRobin();
        assertThat(picks(policy, 3)).containsExactly("a", "b", "c");

        pool.weight(backends.get(0), 5, "test");

        // A new period of nginx's 5, 1, 1 schedule, from wherever the counter stands.
        List<String> period = picks(policy, 7);
        assertThat(period).filteredOn("a"::equals).hasSize(5);
        assertThat(period).containsOnlyOnce("b", "c");
    }

    @Test
    void stickyCookieFallsBackToRoundRobinOverTheNewWeights() {
        BalancingPolicy policy = BalancingPolicy.stickyCookie("pier-sticky", "/");
        pool.weight(backends.get(2), 4, "test");

        List<String> period = picks(policy, 6);

        assertThat(period).filteredOn("c"::equals).hasSize(4);
        assertThat(period).containsOnlyOnce("a", "b");
    }

    @Test
    void leastConnectionsComparesLoadsAgainstTheNewWeights() {
        BalancingPolicy policy = BalancingPolicy.leastConnections();
        Backend a = backends.get(0);
        a.requestSent();
        a.requestSent();
        backends.get(1).requestSent();
        backends.get(2).requestSent();
        try {
            // 2/1 against 1/1 and 1/1: never a.
            assertThat(picks(policy, 6)).doesNotContain("a");

            pool.weight(a, 4, "test");

            // 2/4 against 1/1 and 1/1: always a.
            assertThat(picks(policy, 6)).containsOnly("a");
        } finally {
            a.requestDone();
            a.requestDone();
            backends.get(1).requestDone();
            backends.get(2).requestDone();
        }
    }

    @Test
    void randomTwoChoicesComparesLoadsAgainstTheNewWeights() {
        BalancingPolicy policy = BalancingPolicy.randomTwoChoices();
        BackendPool two = new BackendPool(Backends.of(2));
        Backend a = two.backends().get(0);
        Backend b = two.backends().get(1);
        a.requestSent();
        a.requestSent();
        b.requestSent();
        try {
            for (int i = 0; i < 20; i++) {
                assertThat(policy.select(two.snapshot().eligible(), RequestInfo.NONE)).isSameAs(b);
            }

            two.weight(a, 3, "test");

            // 2/3 against 1/1: with two backends every draw is the pair, and a wins it.
            for (int i = 0; i < 20; i++) {
                assertThat(policy.select(two.snapshot().eligible(), RequestInfo.NONE)).isSameAs(a);
            }
        } finally {
            a.requestDone();
            a.requestDone();
            b.requestDone();
        }
    }

    @Test
    void consistentHashRebuildsItsRingAndTheHeavierBackendTakesKeysOnlyFromTheOthers() {
        BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.header("X-User"));
        Backend[] before = owners(policy);

        pool.weight(backends.get(0), 4, "test");
        Backend[] after = owners(policy);

        Map<Backend, Integer> countsBefore = counts(before);
        Map<Backend, Integer> countsAfter = counts(after);
        // From about a third to about two thirds (4 of 6 units).
        assertThat(countsBefore.get(backends.get(0))).isBetween(2_500, 4_200);
        assertThat(countsAfter.get(backends.get(0))).isBetween(5_800, 7_500);
        for (int i = 0; i < before.length; i++) {
            if (before[i] == backends.get(0)) {
                assertThat(after[i]).as("key %d", i).isSameAs(backends.get(0));
            }
        }
    }

    private Backend[] owners(BalancingPolicy policy) {
        Backend[] owners = new Backend[10_000];
        for (int i = 0; i < owners.length; i++) {
            RequestInfo user = Backends.request(Map.of("X-User", "user-" + i), Map.of(), "10.0.0.1");
            BackendPool.Snapshot snapshot = pool.snapshot();
            owners[i] = policy.select(snapshot.eligible(), snapshot.pinnable(), user);
        }
        return owners;
    }

    private static Map<Backend, Integer> counts(Backend[] owners) {
        Map<Backend, Integer> counts = new IdentityHashMap<>();
        for (Backend owner : owners) {
            counts.merge(owner, 1, Integer::sum);
        }
        return counts;
    }
}
