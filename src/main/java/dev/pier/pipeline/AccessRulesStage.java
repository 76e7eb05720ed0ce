package dev.pier.pipeline;

import dev.pier.config.AddressBlock;
import dev.pier.config.IpAddresses;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * A route's access rules on the client's resolved address: a client in {@code deny} is refused with 403, and so
 * is, when {@code allow} is not empty, a client outside it. An address that is no IP literal matches no rule
 * and is refused. Immutable.
 */
final class AccessRulesStage implements RequestStage {

    private final AddressBlock[] allow;
    private final AddressBlock[] deny;

    /** At least one of {@code allow} and {@code deny} is not empty: else the route needs no such stage. */
    AccessRulesStage(List<AddressBlock> allow, List<AddressBlock> deny) {
        if (allow.isEmpty() && deny.isEmpty()) {
            throw new IllegalArgumentException("allow and deny: both empty (expected: at least one rule)");
        }
        this.allow = allow.toArray(new AddressBlock[0]);
        this.deny = deny.toArray(new AddressBlock[0]);
    }

    @Override
    public @Nullable LocalReply onRequest(RequestContext context) {
        byte[] address = IpAddresses.parse(context.clientAddress());
        if (address == null || matches(deny, address) || (allow.length > 0 && !matches(allow, address))) {
            return LocalReply.text(403, "AD", "Forbidden: this route does not accept requests from your address.",
                    context);
        }
        return null;
    }

    private static boolean matches(AddressBlock[] blocks, byte[] address) {
        for (AddressBlock block : blocks) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }
}
