package dev.pier.balancing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RandomTwoChoicesPolicyTest {

    private final BalancingPolicy policy = BalancingPolicy.randomTwoChoices();

    @Test
    void idleBackendsShareRequestsEvenlyWithinTenPercent() {
        List<Backend> eligible = Backends.of(3);
        Map<Backend, Integer> counts = new IdentityHashMap<>();
        int draws = 30_000;
        for (int i = 0; i < draws; i++) {
            counts.merge(policy.select(eligible, RequestInfo.NONE), 1, Integer::sum);
        }
        // Expected 10,000 each; the standard deviation is about 82, so 1,000 is a margin of over 12 of them.
        for (Backend backend : eligible) {
            assertThat(counts.get(backend)).as("%s", backend).isBetween(9_000, 11_000);
        }
    }

    @Test
    void theBusierOfTheTwoChoicesIsNeverTaken() {
        List<Backend> eligible = Backends.of(3);
        Backend busy = eligible.get(2);
        busy.requestSent();
        for (int i = 0; i < 1_000; i++) {
            assertThat(policy.select(eligible, RequestInfo.NONE)).isNotSameAs(busy);
        }
    }

    @Test
    void oneBackendIsAlwaysTheChoiceAndNoneMeansNone() {
        List<Backend> one = Backends.of(1);
        assertThat(policy.select(one, RequestInfo.NONE)).isSameAs(one.get(0));
        assertThat(policy.select(List.of(), RequestInfo.NONE)).isNull();
    }
}
