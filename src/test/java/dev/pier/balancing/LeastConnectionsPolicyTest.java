package dev.pier.balancing;

import static dev.pier.balancing.Backends.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeastConnectionsPolicyTest {

    private final BalancingPolicy policy = BalancingPolicy.leastConnections();

    @Test
    void idleBackendsAreChosenInTurnNotAlwaysTheFirst() {
        List<Backend> eligible = Backends.of(3);
        List<String> names = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            names.add(name(policy.select(eligible, RequestInfo.NONE)));
        }
        assertThat(names).containsExactly("a", "b", "c", "a", "b", "c");
    }

    @Test
    void aBackendHeldBusyIsAvoided() {
        List<Backend> eligible = Backends.of(3);
        Backend busy = eligible.get(1);
        busy.requestSent();
        busy.requestSent();
        for (int i = 0; i < 30; i++) {
            Backend chosen = policy.select(eligible, RequestInfo.NONE);
            assertThat(chosen).isNotSameAs(busy);
        }
        busy.requestDone();
        busy.requestDone();
        assertThat(busy.inFlight()).isZero();
    }

    @Test
    void requestsSpreadSoThatInFlightCountsStayLevel() {
        List<Backend> eligible = Backends.of(3);
        for (int i = 0; i < 30; i++) {
            policy.select(eligible, RequestInfo.NONE).requestSent();
        }
        assertThat(eligible).extracting(Backend::inFlight).containsExactly(10, 10, 10);
    }

    @Test
    void inFlightIsWeighed() {
        List<Backend> eligible = Backends.weighted(3, 1);
        for (int i = 0; i < 40; i++) {
            policy.select(eligible, RequestInfo.NONE).requestSent();
        }
        assertThat(eligible).extracting(Backend::inFlight).containsExactly(30, 10);
    }

    @Test
    void noEligibleBackendMeansNone() {
        assertThat(policy.select(List.of(), RequestInfo.NONE)).isNull();
    }
}
