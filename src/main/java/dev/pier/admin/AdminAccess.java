package dev.pier.admin;

import static java.util.Objects.requireNonNull;

import dev.pier.config.AddressBlock;
import dev.pier.config.AdminSettings;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Decides who may call an endpoint that changes state: a loopback client, a client whose address is in
 * {@code pier.admin.allow}, or one that presents {@code pier.admin.token} as a bearer token. Immutable.
 */
final class AdminAccess {

    private static final String BEARER = "Bearer ";

    private final List<AddressBlock> allow;
    private final byte[] token;

    AdminAccess(AdminSettings settings) {
        requireNonNull(settings, "settings");
        this.allow = settings.allow().stream().map(AddressBlock::parse).toList();
        this.token = settings.token().getBytes(StandardCharsets.UTF_8);
    }

    /**
     * @param remoteAddress the client's IP literal, as the servlet request gives it
     * @param authorization the {@code Authorization} header, or null
     */
    boolean allows(String remoteAddress, @Nullable String authorization) {
        byte[] address = AddressBlock.literal(remoteAddress);
        if (address != null) {
            if (loopback(address)) {
                return true;
            }
            for (AddressBlock block : allow) {
                if (block.contains(address)) {
                    return true;
                }
            }
        }
        if (token.length == 0 || authorization == null || !authorization.startsWith(BEARER)) {
            return false;
        }
        byte[] presented = authorization.substring(BEARER.length()).trim().getBytes(StandardCharsets.UTF_8);
        return MessageDigest.isEqual(presented, token);
    }

    private static boolean loopback(byte[] address) {
        try {
            return InetAddress.getByAddress(address).isLoopbackAddress();
        } catch (UnknownHostException e) {
            return false;
        }
    }
}
