package dev.pier.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ConsistentHashPolicyTest {

    private static final int KEYS = 10_000;

    private static RequestInfo user(String id) {
        return Backends.request(Map.of("X-User", id), Map.of(), "10.0.0.1");
    }

    private static Backend[] assign(BalancingPolicy policy, List<Backend> eligible) {
        Backend[] owners = new Backend[KEYS];
        for (int i = 0; i < KEYS; i++) {
            owners[i] = policy.select(eligible, user("user-" + i));
        }
        return owners;
    }

    @Test
    void theSameKeyAlwaysGoesToTheSameBackend() {
        BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.header("X-User"));
        List<Backend> eligible = Backends.of(3);
        Backend first = policy.select(eligible, user("alice"));
        for (int i = 0; i < 20; i++) {
            assertThat(policy.select(eligible, user("alice"))).isSameAs(first);
        }
    }

    @Test
    void keysSpreadOverTheBackendsInProportion() {
        BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.header("X-User"));
        List<Backend> eligible = Backends.of(5);
        Map<Backend, Integer> counts = new IdentityHashMap<>();
        for (Backend owner : assign(policy, eligible)) {
            counts.merge(owner, 1, Integer::sum);
        }
        // 2,000 each in theory; 160 virtual nodes keep every share well within half of that.
        for (Backend backend : eligible) {
            assertThat(counts.get(backend)).as("%s", backend).isBetween(1_000, 3_000);
        }
    }

    @Test
    void whenOneOfFiveGoesDownOnlyItsKeysMoveAndTheyComeBack() {
        BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.header("X-User"));
        List<Backend> all = Backends.of(5);
        Backend down = all.get(2);
        List<Backend> withoutOne = new ArrayList<>(all);
        withoutOne.remove(down);

        Backend[] before = assign(policy, all);
        Backend[] during = assign(policy, List.copyOf(withoutOne));
        Backend[] after = assign(policy, all);

        int moved = 0;
        for (int i = 0; i < KEYS; i++) {
            if (before[i] != during[i]) {
                moved++;
                assertThat(before[i]).as("key %s moved but its backend stayed up", i).isSameAs(down);
            }
        }
        // About 1/n of the keys (2,000 of 10,000) move: those of the backend that went down, and no others.
        assertThat(moved).isBetween(1_000, 3_000);
        assertThat(after).containsExactly(before);
    }

    @Test
    void aRequestWithoutTheKeyIsHashedOnItsClientAddress() {
        BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.header("X-User"));
        BalancingPolicy byAddress = BalancingPolicy.consistentHash(HashKey.clientAddress());
        List<Backend> eligible = Backends.of(4);
        for (int i = 0; i < 50; i++) {
            RequestInfo anonymous = Backends.request(Map.of(), Map.of(), "192.168.0." + i);
            assertThat(policy.select(eligible, anonymous)).isSameAs(byAddress.select(eligible, anonymous));
        }
    }

    @Test
    void aCookieCanBeTheKey() {
        BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.cookie("session"));
        List<Backend> eligible = Backends.of(4);
        Backend owner = policy.select(eligible, Backends.request(Map.of(), Map.of("session", "s1"), "10.0.0.1"));
        for (int i = 0; i < 20; i++) {
            assertThat(policy.select(eligible, Backends.request(Map.of(), Map.of("session", "s1"), "10.0.0." + i)))
                    .isSameAs(owner);
        }
    }
}
