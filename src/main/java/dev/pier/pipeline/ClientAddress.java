package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

/**
 * Who a request is from, as {@link ClientAddressResolver} found it. Immutable.
 *
 * @param address the client's IP address, in canonical form
 * @param trustedPeer whether the TCP peer is a trusted proxy, whose forwarding headers go on to the backend
 */
public record ClientAddress(String address, boolean trustedPeer) {

    public ClientAddress {
        requireNonNull(address, "address");
    }
}
