package dev.pier.balancing;

import static dev.pier.balancing.Backends.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinPolicyTest {

    private static List<String> picks(BalancingPolicy policy, List<Backend> eligible, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(name(policy.select(eligible, RequestInfo.NONE)));
        }
        return names;
    }

    @Test
    void equalWeightsVisitEachBackendInTurn() {
        assertThat(picks(BalancingPolicy.roundRobin(), Backends.of(3), 7))
                .containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void weightsFiveOneOneInterleaveAsNginxDoes() {
        assertThat(picks(BalancingPolicy.roundRobin(), Backends.weighted(5, 1, 1), 14))
                .containsExactly("a", "a", "b", "a", "c", "a", "a", "a", "a", "b", "a", "c", "a", "a");
    }

    @Test
    void weightsWithACommonDivisorGiveTheSameShares() {
        assertThat(picks(BalancingPolicy.roundRobin(), Backends.weighted(4, 2), 6))
                .containsExactly("a", "b", "a", "a", "b", "a");
    }

    @Test
    void counterNearIntegerMaxValueStaysInRange() {
        RoundRobinPolicy policy = new RoundRobinPolicy(Integer.MAX_VALUE - 2);
        List<Backend> eligible = Backends.of(3);
        for (int i = 0; i < 10; i++) {
            assertThat(policy.select(eligible, RequestInfo.NONE)).isIn(eligible);
        }
    }

    @Test
    void noEligibleBackendMeansNone() {
        assertThat(BalancingPolicy.roundRobin().select(List.of(), RequestInfo.NONE)).isNull();
    }

    @Test
    void aNewEligibleListIsFollowedAtOnce() {
        BalancingPolicy policy = BalancingPolicy.roundRobin();
        List<Backend> all = Backends.of(3);
        picks(policy, all, 2);
        List<Backend> withoutB = List.of(all.get(0), all.get(2));
        assertThat(picks(policy, withoutB, 4)).containsOnly("a", "c").contains("a", "c");
    }
}
