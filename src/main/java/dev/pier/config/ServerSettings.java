package dev.pier.config;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * Where the embedded server listens, how many threads it runs, how long it lets in-flight requests finish on
 * shutdown, and what it allows a client. Immutable.
 *
 * @param port the plain HTTP port (0: a free one), or -1 for none
 * @param httpsPort the TLS port (0: a free one), or -1 for none
 * @param redirectHttp whether the plain port answers every request with 308 to the TLS port
 * @param tls the TLS key and certificates; null when there is no TLS port
 */
public record ServerSettings(String host, int port, int httpsPort, boolean redirectHttp, @Nullable ServerTls tls,
                             int threads, Duration shutdownTimeout, ClientLimits limits) {

    /** These settings listening on {@code host} and {@code port} instead (and a free TLS port, if any). */
    public ServerSettings at(String host, int port) {
        return new ServerSettings(host, port, httpsPort < 0 ? -1 : 0, redirectHttp, tls, threads, shutdownTimeout,
                limits);
    }
}
