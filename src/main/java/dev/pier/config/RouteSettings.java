package dev.pier.config;

import java.time.Duration;
import java.util.List;

/**
 * One route: a path prefix, the backends that serve it, how one is chosen and how failures are handled.
 * Immutable.
 *
 * @param hashKey what the consistent-hash policy hashes
 * @param cookieName the cookie of the sticky-cookie policy
 * @param retries how many other backends a failed request may be tried on
 * @param maxBodySize the largest request body in bytes, or -1 for no limit
 * @param stages the route's header and access rules
 * @param rateLimit the names of the rate-limit policies the route obeys, in order
 * @param tls how Pier talks TLS to the route's https backends
 * @param name the route's identity (status, metrics, admin {@code route=}, reload carry-over): the configured name,
 *             else the prefix for a route without hosts, else {@code hosts[0] + prefix}
 * @param hosts the host patterns the route answers, lower case: exact names and {@code *.suffix} wildcards; empty
 *              for any host
 * @param webSocket the route's WebSocket tunnels
 */
public record RouteSettings(String prefix, boolean stripPrefix, PolicyName policy, List<BackendSettings> backends,
                            Duration requestTimeout, HealthCheckSettings healthCheck, HashKeySettings hashKey,
                            String cookieName, int retries, PassiveHealthSettings passiveHealth,
                            WhenAllDown whenAllDown, long maxBodySize,
                            RouteStageSettings stages, List<String> rateLimit,
                            BackendTls tls, String name, List<String> hosts, WebSocketSettings webSocket) {

    public RouteSettings {
        backends = List.copyOf(backends);
        rateLimit = List.copyOf(rateLimit);
        hosts = List.copyOf(hosts);
    }
}
