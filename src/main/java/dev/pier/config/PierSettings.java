package dev.pier.config;

import java.util.List;

/**
 * The whole configuration of one Pier, read and validated. Immutable.
 *
 * @param source where it was read from, for logs
 * @param clientAddress how the client's address is told from the forwarding headers of trusted proxies
 * @param requestId whether a client's request id is kept
 * @param rateLimiting the rate-limit policies, their store and their header fields
 * @param observability the access log and the metrics
 */
public record PierSettings(String source, ServerSettings server, ProxySettings proxy, List<RouteSettings> routes,
                          AdminSettings admin, ClientAddressSettings clientAddress, RequestIdSettings requestId,
                          RateLimitingSettings rateLimiting, ObservabilitySettings observability) {

    public PierSettings {
        routes = List.copyOf(routes);
    }
}
