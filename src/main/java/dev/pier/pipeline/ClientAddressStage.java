package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * Puts the client's address on the context, as {@link ClientAddressResolver} finds it, with whether the peer is
 * a trusted proxy (from which the proxy keeps the forwarding chain). Never answers. Immutable.
 */
final class ClientAddressStage implements RequestStage {

    private final ClientAddressResolver resolver;

    ClientAddressStage(ClientAddressResolver resolver) {
        this.resolver = requireNonNull(resolver, "resolver");
    }

    @Override
    public @Nullable LocalReply onRequest(RequestContext context) {
        ClientAddress client = resolver.resolve(context.head());
        context.clientAddress(client.address(), client.trustedPeer());
        return null;
    }
}
