package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Which address is the client's ({@code pier.client-address}): the TCP peer, or, when the peer is one of
 * {@code trustedProxies}, the address its forwarding header names. Immutable.
 *
 * @param trustedProxies the addresses and blocks of the proxies whose forwarding header is believed, validated
 * @param header the forwarding header those proxies write
 */
public record ClientAddressSettings(List<AddressBlock> trustedProxies, ForwardingHeader header) {

    public ClientAddressSettings {
        trustedProxies = List.copyOf(trustedProxies);
        requireNonNull(header, "header");
    }
}
