package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * What a route's own pipeline stages do: its header rules and its access rules ({@code request-headers},
 * {@code response-headers}, {@code allow}, {@code deny}, each defaulting to {@code pier.route-defaults}).
 * Immutable.
 *
 * @param requestHeaders the rules of the request that goes to the backend
 * @param responseHeaders the rules of the answer that goes to the client
 * @param allow the client addresses that may use the route; empty for any
 * @param deny the client addresses refused even if {@code allow} lists them
 */
public record RouteStageSettings(HeaderRuleSettings requestHeaders, HeaderRuleSettings responseHeaders,
                                 List<AddressBlock> allow, List<AddressBlock> deny) {

    /** No header rules, no access rules. */
    public static final RouteStageSettings NONE =
            new RouteStageSettings(HeaderRuleSettings.NONE, HeaderRuleSettings.NONE, List.of(), List.of());

    public RouteStageSettings {
        requireNonNull(requestHeaders, "requestHeaders");
        requireNonNull(responseHeaders, "responseHeaders");
        allow = List.copyOf(allow);
        deny = List.copyOf(deny);
    }
}
