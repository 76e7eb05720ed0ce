package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Chooses the backend for a request among a route's eligible backends. Implementations are thread-safe and
 * called on request threads: they must not block, and choosing allocates nothing while the eligible list is
 * the same. What a policy derives from the backends' weights (a schedule, a ring) it rebuilds when it is given a
 * new list: a pool publishes one on every change of a weight.
 */
public interface BalancingPolicy {

    /**
     * Each eligible backend in turn, in configured order; with unequal weights, smooth weighted round robin
     * (nginx's: weights 5, 1, 1 give {@code a a b a c a a}).
     */
    static BalancingPolicy roundRobin() {
        return new RoundRobinPolicy();
    }

    /** The backend with the fewest requests in flight relative to its weight; ties are broken in turn. */
    static BalancingPolicy leastConnections() {
        return new LeastConnectionsPolicy();
    }

    /** Two distinct backends at random; the one with fewer requests in flight relative to its weight. */
    static BalancingPolicy randomTwoChoices() {
        return new RandomTwoChoicesPolicy();
    }

    /**
     * A ring with virtual nodes over {@code key} (the client address when the request lacks it): a key keeps its
     * backend while that backend is eligible; when one goes down only its own keys move, and they come back.
     */
    static BalancingPolicy consistentHash(HashKey key) {
        return new ConsistentHashPolicy(key);
    }

    /**
     * The backend named by the cookie {@code cookieName} while it is eligible; otherwise smooth weighted round
     * robin, and the response sets the cookie (valid under {@code path}) to the backend that was chosen. The
     * cookie's value is opaque: derived from the backend's URL, never the URL itself.
     */
    static BalancingPolicy stickyCookie(String cookieName, String path) {
        return new StickyCookiePolicy(cookieName, path);
    }

    /**
     * @param eligible the route's eligible backends, in configured order; an immutable snapshot
     * @return the chosen backend, or null when {@code eligible} is empty
     */
    @Nullable Backend select(List<Backend> eligible, RequestInfo request);

    /**
     * As {@link #select(List, RequestInfo)}, where a client pinned to a backend (by the sticky cookie) may also go
     * to one of {@code pinnable}, a list that adds the draining backends to {@code eligible}. Only the sticky-cookie
     * policy pins; the others choose among {@code eligible}.
     */
    default @Nullable Backend select(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        return select(eligible, request);
    }

    /**
     * The backend that {@link #select(List, List, RequestInfo)} would choose now, without choosing it: no counter
     * moves and nothing is published, so that a following select gives the same answer (when nothing else
     * changed meanwhile and the policy {@linkplain #peekIsExact() is exact}).
     */
    @Nullable Backend peek(List<Backend> eligible, List<Backend> pinnable, RequestInfo request);

    /**
     * Whether {@link #peek} names the very backend the next request gets; false for random two choices, whose
     * draw is random: it names the backend that wins every draw it is in.
     */
    default boolean peekIsExact() {
        return true;
    }

    /**
     * The {@code Set-Cookie} value that the response to {@code request}, served by {@code chosen}, must carry;
     * null when none (the default, and whenever the client already holds the right cookie).
     */
    default @Nullable String setCookie(Backend chosen, RequestInfo request) {
        return null;
    }
}
