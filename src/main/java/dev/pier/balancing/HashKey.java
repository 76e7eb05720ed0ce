package dev.pier.balancing;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** What the consistent-hash policy hashes of a request. Implementations are immutable. */
@FunctionalInterface
public interface HashKey {

    /** The value of the request header {@code name}. */
    static HashKey header(String name) {
        requireNonNull(name, "name");
        return request -> request.header(name);
    }

    /** The value of the request cookie {@code name}. */
    static HashKey cookie(String name) {
        requireNonNull(name, "name");
        return request -> request.cookie(name);
    }

    /** The client's address. */
    static HashKey clientAddress() {
        return RequestInfo::clientAddress;
    }

    /** The key of {@code request}, or null when it has none. */
    @Nullable String of(RequestInfo request);
}
