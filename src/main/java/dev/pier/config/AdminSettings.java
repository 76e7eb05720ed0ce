package dev.pier.config;

import java.util.List;

/**
 * Who may call Pier's endpoints that change state ({@code POST /_pier/reload}): loopback clients always, the
 * clients whose address matches one of {@code allow}, and any client that presents {@code token} as a bearer
 * token. Immutable.
 *
 * @param allow IP addresses or CIDR blocks ({@code 10.0.0.0/8}), validated
 * @param token the bearer token, or empty for none
 */
public record AdminSettings(List<String> allow, String token) {

    public AdminSettings {
        allow = List.copyOf(allow);
    }
}
