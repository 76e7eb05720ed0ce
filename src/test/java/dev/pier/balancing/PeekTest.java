package dev.pier.balancing;

import static dev.pier.balancing.Backends.name;
import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** {@link BalancingPolicy#peek} names what select would choose and moves nothing, for each of the five policies. */
class PeekTest {

    private static final int PEEKS = 25;

    private static List<String> selects(BalancingPolicy policy, List<Backend> eligible, RequestInfo request, int count) {
        List<String> names = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            names.add(name(policy.select(eligible, eligible, request)));
        }
        return names;
    }

    /** Between any two selects, peeks name the next one; the sequence is the one an untouched policy gives. */
    private static void peeksNameTheNextSelectAndMoveNothing(BalancingPolicy peeked, BalancingPolicy untouched,
                                                             List<Backend> eligible, RequestInfo request) {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 10; i++) {
            Backend peek = peeked.peek(eligible, eligible, request);
            for (int j = 0; j < PEEKS; j++) {
                assertThat(peeked.peek(eligible, eligible, request)).isSameAs(peek);
            }
            Backend chosen = peeked.select(eligible, eligible, request);
            assertThat(chosen).as("select %d", i).isSameAs(peek);
            seen.add(name(chosen));
        }
        assertThat(seen).isEqualTo(selects(untouched, eligible, request, 10));
    }

    @Test
    void roundRobinPeekNamesTheNextInTheWeightedScheduleAndLeavesTheCounter() {
        List<Backend> eligible = Backends.weighted(5, 1, 1);
        peeksNameTheNextSelectAndMoveNothing(BalancingPolicy.roundRobin(), BalancingPolicy.roundRobin(), eligible,
                RequestInfo.NONE);
    }

    @Test
    void roundRobinPeekOnAListItHasNotScheduledYetPublishesNothing() {
        RoundRobinPolicy policy = new RoundRobinPolicy(Integer.MAX_VALUE - 1);
        List<Backend> eligible = Backends.of(3);
        Backend peek = policy.peek(eligible, eligible, RequestInfo.NONE);
        assertThat(policy.select(eligible, RequestInfo.NONE)).isSameAs(peek);
        // Past Integer.MAX_VALUE the counter wraps; peek follows it.
        for (int i = 0; i < 4; i++) {
            Backend next = policy.peek(eligible, eligible, RequestInfo.NONE);
            assertThat(policy.select(eligible, RequestInfo.NONE)).isSameAs(next);
        }
    }

    @Test
    void leastConnectionsPeekNamesTheLeastLoadedFromWhereTheScanStarts() {
        List<Backend> eligible = Backends.of(3);
        eligible.get(0).requestSent();
        try {
            peeksNameTheNextSelectAndMoveNothing(BalancingPolicy.leastConnections(),
                    BalancingPolicy.leastConnections(), eligible, RequestInfo.NONE);
        } finally {
            eligible.get(0).requestDone();
        }
    }

    @Test
    void randomTwoChoicesPeekNamesTheBackendThatWinsEveryDrawItIsIn() {
        BalancingPolicy policy = BalancingPolicy.randomTwoChoices();
        List<Backend> eligible = Backends.of(3);
        eligible.get(0).requestSent();
        eligible.get(2).requestSent();
        eligible.get(2).requestSent();
        try {
            assertThat(policy.peekIsExact()).isFalse();
            assertThat(name(policy.peek(eligible, eligible, RequestInfo.NONE))).isEqualTo("b");
            // b is in two of the three pairs and wins both; it is never beaten.
            for (int i = 0; i < 200; i++) {
                assertThat(name(policy.select(eligible, RequestInfo.NONE))).isIn("a", "b");
            }
            // With two backends every draw is the pair: peek is then what select does.
            List<Backend> two = List.of(eligible.get(0), eligible.get(1));
            for (int i = 0; i < 20; i++) {
                assertThat(policy.select(two, RequestInfo.NONE)).isSameAs(policy.peek(two, two, RequestInfo.NONE));
            }
        } finally {
            eligible.get(0).requestDone();
            eligible.get(2).requestDone();
            eligible.get(2).requestDone();
        }
    }

    @Test
    void consistentHashPeekNamesTheOwnerOfTheKey() {
        List<Backend> eligible = Backends.of(4);
        for (String user : List.of("alice", "bob", "carol", "dave")) {
            RequestInfo request = Backends.request(Map.of("X-User", user), Map.of(), "10.0.0.1");
            BalancingPolicy policy = BalancingPolicy.consistentHash(HashKey.header("X-User"));
            peeksNameTheNextSelectAndMoveNothing(policy,
                    BalancingPolicy.consistentHash(HashKey.header("X-User")), eligible, request);
        }
    }

    @Test
    void stickyCookiePeekNamesThePinnedBackendEvenWhenItDrainsAndElseTheNextInTurn() {
        StickyCookiePolicy policy = new StickyCookiePolicy("pier-sticky", "/");
        List<Backend> all = Backends.of(3);
        peeksNameTheNextSelectAndMoveNothing(policy, new StickyCookiePolicy("pier-sticky", "/"), all,
                RequestInfo.NONE);

        Backend draining = all.get(1);
        List<Backend> eligible = List.of(all.get(0), all.get(2));
        RequestInfo pinned = Backends.request(Map.of(), Map.of("pier-sticky", policy.id(draining)), "10.0.0.1");
        assertThat(policy.peek(eligible, all, pinned)).isSameAs(draining);
        assertThat(policy.select(eligible, all, pinned)).isSameAs(draining);
        // A client not pinned goes where round robin over the eligible says.
        Backend next = policy.peek(eligible, all, RequestInfo.NONE);
        assertThat(next).isIn(eligible);
        assertThat(policy.select(eligible, all, RequestInfo.NONE)).isSameAs(next);
    }

    @Test
    void everyPolicyPeeksNoneWhenNoBackendIsEligible() {
        for (BalancingPolicy policy : List.of(BalancingPolicy.roundRobin(), BalancingPolicy.leastConnections(),
                BalancingPolicy.randomTwoChoices(), BalancingPolicy.consistentHash(HashKey.clientAddress()),
                BalancingPolicy.stickyCookie("pier-sticky", "/"))) {
            assertThat(policy.peek(List.of(), List.of(), RequestInfo.NONE)).as("%s", policy).isNull();
        }
    }
}
