package dev.pier.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinPolicyTest {

    private static final Backend A = new Backend("http://127.0.0.1:1", "127.0.0.1", 1, 1);
    private static final Backend B = new Backend("http://127.0.0.1:2", "127.0.0.1", 2, 1);
    private static final Backend C = new Backend("http://127.0.0.1:3", "127.0.0.1", 3, 1);

    private static List<Backend> choose(BalancingPolicy policy, List<Backend> eligible, int times) {
        List<Backend> chosen = new ArrayList<>();
        for (int i = 0; i < times; i++) {
            chosen.add(policy.select(eligible, RequestInfo.NONE));
        }
        return chosen;
    }

    @Test
    void choosesEachBackendInConfiguredOrder() {
        assertThat(choose(BalancingPolicy.roundRobin(), List.of(A, B, C), 7)).containsExactly(A, B, C, A, B, C, A);
    }

    @Test
    void counterPastIntegerMaxValueNeverGivesANegativeIndex() {
        RoundRobinPolicy policy = new RoundRobinPolicy(Integer.MAX_VALUE - 2);
        // MAX-2, MAX-1, MAX, MIN, MIN+1, ... taken modulo 3 with floorMod: no exception, every backend in turn.
        List<Backend> chosen = choose(policy, List.of(A, B, C), 9);
        assertThat(chosen).hasSize(9).doesNotContainNull();
        for (int i = 0; i < chosen.size(); i++) {
            long counter = (long) Integer.MAX_VALUE - 2 + i;
            int asInt = (int) counter; // wraps as the AtomicInteger does
            assertThat(chosen.get(i)).isEqualTo(List.of(A, B, C).get(Math.floorMod(asInt, 3)));
        }
    }

    @Test
    void noEligibleBackendMeansNull() {
        assertThat(BalancingPolicy.roundRobin().select(List.of(), RequestInfo.NONE)).isNull();
    }

    @Test
    void backendLeavingTheEligibleListIsSkipped() {
        BalancingPolicy policy = BalancingPolicy.roundRobin();
        assertThat(choose(policy, List.of(A, C), 4)).containsExactly(A, C, A, C);
    }
}
