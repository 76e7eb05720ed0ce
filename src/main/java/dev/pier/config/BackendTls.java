package dev.pier.config;

import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * How a route's Pier talks TLS to its {@code https://} backends: whom to trust, which client certificate to
 * show, which name to ask for and check. Routes with equal settings share one HTTP client. Immutable.
 *
 * @param trust PEM certificates of the CAs to trust instead of the JDK's public ones; null for the JDK's
 * @param certificate a client certificate chain (PEM) for mutual TLS, with {@code key}; null for none
 * @param key the client certificate's PKCS#8 key (PEM); null for none
 * @param serverName the name sent as SNI and checked against the backend's certificate; null for the backend's
 *                   host
 * @param verify whether the backend's chain and name are checked
 */
public record BackendTls(@Nullable Path trust, @Nullable Path certificate, @Nullable Path key,
                         @Nullable String serverName, boolean verify) {

    /** The JDK's trusted CAs, no client certificate, the backend's own host name, verified. */
    public static final BackendTls DEFAULT = new BackendTls(null, null, null, null, true);

    /** Whether these are the defaults, which the proxy's main HTTP client serves. */
    public boolean isDefault() {
        return equals(DEFAULT);
    }
}
