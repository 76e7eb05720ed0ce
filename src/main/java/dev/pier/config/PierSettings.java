package dev.pier.config;

import java.util.List;

/**
 * The whole configuration of one Pier, read and validated. Immutable.
 *
 * @param source where it was read from, for logs
 */
public record PierSettings(String source, ServerSettings server, ProxySettings proxy, List<RouteSettings> routes,
                          AdminSettings admin) {

    public PierSettings {
        routes = List.copyOf(routes);
    }
}
