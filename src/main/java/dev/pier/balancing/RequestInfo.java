package dev.pier.balancing;

import org.jspecify.annotations.Nullable;

/** What a policy may know of the request it balances. Implementations need not be thread-safe. */
public interface RequestInfo {

    /** A request that carries nothing a policy could use. */
    RequestInfo NONE = new RequestInfo() {
        @Override
        public @Nullable String header(String name) {
            return null;
        }

        @Override
        public @Nullable String cookie(String name) {
            return null;
        }

        @Override
        public String clientAddress() {
            return "";
        }
    };

    /** The first value of the named request header, or null. */
    @Nullable String header(String name);

    /** The value of the named request cookie, or null. */
    @Nullable String cookie(String name);

    /** The address of the client that sent the request. */
    String clientAddress();
}
