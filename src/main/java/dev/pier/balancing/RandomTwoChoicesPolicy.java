package dev.pier.balancing;

import dev.pier.backend.Backend;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/**
 * The power of two random choices: two distinct backends at random, the one with fewer requests in flight
 * relative to its weight (the first on a tie). Thread-safe: stateless, on {@link ThreadLocalRandom}.
 */
final class RandomTwoChoicesPolicy implements BalancingPolicy {

    @Override
    public @Nullable Backend select(List<Backend> eligible, RequestInfo request) {
        int size = eligible.size();
        if (size <= 1) {
            return size == 0 ? null : eligible.get(0);
        }
        ThreadLocalRandom random = ThreadLocalRandom.current();
        int first = random.nextInt(size);
        int second = random.nextInt(size - 1);
        if (second >= first) {
            second++;
        }
        Backend a = eligible.get(first);
        Backend b = eligible.get(second);
        return (long) b.inFlight() * a.weight() < (long) a.inFlight() * b.weight() ? b : a;
    }

    /**
     * The backend with the fewest requests in flight relative to its weight (the first on a tie): it wins every
     * draw it is in.
     */
    @Override
    public @Nullable Backend peek(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        Backend best = null;
        for (Backend candidate : eligible) {
            if (best == null || (long) candidate.inFlight() * best.weight() < (long) best.inFlight() * candidate.weight()) {
                best = candidate;
            }
        }
        return best;
    }

    @Override
    public boolean peekIsExact() {
        return false;
    }
}
