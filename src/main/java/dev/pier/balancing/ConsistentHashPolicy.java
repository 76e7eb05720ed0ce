package dev.pier.balancing;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Consistent hashing on a key of the request, over a ring of the eligible backends' virtual nodes. A backend's
 * points do not depend on the others, so a backend that goes down takes only its own keys with it, and they
 * come back when it returns. A request without the key is hashed on its client address. Thread-safe: the ring
 * of the current eligible list is rebuilt only when that list changes and published through a volatile field.
 */
final class ConsistentHashPolicy implements BalancingPolicy {

    private final HashKey key;
    /** The ring of the last eligible list seen; two threads may both build a new one, and either wins. */
    private volatile HashRing ring = HashRing.EMPTY;

    ConsistentHashPolicy(HashKey key) {
        this.key = requireNonNull(key, "key");
    }

    @Override
    public @Nullable Backend select(List<Backend> eligible, RequestInfo request) {
        if (eligible.isEmpty()) {
            return null;
        }
        HashRing current = ring;
        if (current.backends != eligible) {
            current = HashRing.of(eligible);
            ring = current;
        }
        return current.owner(HashRing.hash(keyOf(request)));
    }

    @Override
    public @Nullable Backend peek(List<Backend> eligible, List<Backend> pinnable, RequestInfo request) {
        if (eligible.isEmpty()) {
            return null;
        }
        HashRing current = ring;
        // Built for this answer only: publishing it is select's business.
        return (current.backends == eligible ? current : HashRing.of(eligible)).owner(HashRing.hash(keyOf(request)));
    }

    private String keyOf(RequestInfo request) {
        String value = key.of(request);
        return value == null || value.isEmpty() ? request.clientAddress() : value;
    }
}
