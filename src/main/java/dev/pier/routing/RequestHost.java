package dev.pier.routing;

import org.jspecify.annotations.Nullable;

/**
 * The host that routes a request, from what the servlet API tells of it. Over HTTP/1.x a request names a host
 * with its {@code Host} header (or its absolute-form target, which the container then prefers); without the
 * header (HTTP/1.0) the container's server name is its own local address, which the request never named, so the
 * request has no host, even with an absolute-form target. Over HTTP/2 and later the server name is the request's
 * {@code :authority}. Stateless.
 */
public final class RequestHost {

    private RequestHost() {
    }

    /**
     * @param protocol the request's protocol, such as {@code HTTP/1.1}
     * @param hostHeader its {@code Host} header, or null
     * @param serverName what {@code getServerName()} gives: the host without its port, IPv6 in brackets
     * @return the host for {@link Router#match(String, String)}, or null when the request named none
     */
    public static @Nullable String of(String protocol, @Nullable String hostHeader, @Nullable String serverName) {
        if (hostHeader == null && protocol.startsWith("HTTP/1.")) {
            return null;
        }
        return serverName == null || serverName.isEmpty() ? null : serverName;
    }
}
