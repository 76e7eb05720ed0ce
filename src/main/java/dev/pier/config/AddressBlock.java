package dev.pier.config;

import static java.util.Objects.requireNonNull;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/**
 * An IP address or a CIDR block ({@code 10.0.0.0/8}, {@code fd00::/8}), as {@code pier.admin.allow} lists them.
 * Only literals are accepted: parsing never looks a name up. Immutable.
 */
public final class AddressBlock {

    private final byte[] network;
    private final int prefixBits;

    private AddressBlock(byte[] network, int prefixBits) {
        this.network = network;
        this.prefixBits = prefixBits;
    }

    /** Whether {@code text} is an IP literal or a CIDR block. */
    static boolean valid(String text) {
        return parseOrNull(text) != null;
    }

    /**
     * @throws IllegalArgumentException when {@code text} is not an IP literal or a CIDR block
     */
    public static AddressBlock parse(String text) {
        AddressBlock block = parseOrNull(requireNonNull(text, "text"));
        if (block == null) {
            throw new IllegalArgumentException("address: " + text + " (expected: an IP address or a CIDR block)");
        }
        return block;
    }

    private static @Nullable AddressBlock parseOrNull(String text) {
        String address = text;
        int bits = -1;
        int slash = text.indexOf('/');
        if (slash >= 0) {
            address = text.substring(0, slash);
            try {
                bits = Integer.parseInt(text.substring(slash + 1));
            } catch (NumberFormatException e) {
                return null;
            }
        }
        byte[] bytes = literal(address);
        if (bytes == null) {
            return null;
        }
        if (bits < 0) {
            bits = bytes.length * 8;
        }
        if (bits > bytes.length * 8) {
            return null;
        }
        return new AddressBlock(bytes, bits);
    }

    /** The bytes of an IP literal, or null; never a name lookup. */
    public static byte @Nullable [] literal(String text) {
        String address = text.startsWith("[") && text.endsWith("]") ? text.substring(1, text.length() - 1) : text;
        if (address.isEmpty() || !address.chars().allMatch(c -> Character.digit(c, 16) >= 0 || c == '.' || c == ':')) {
            return null;
        }
        if (address.indexOf(':') < 0 && !address.matches("\\d{1,3}(\\.\\d{1,3}){3}")) {
            return null;
        }
        try {
            // A literal of digits, dots and colons only: getByName parses it and never resolves a name.
            return InetAddress.getByName(address).getAddress();
        } catch (UnknownHostException e) {
            return null;
        }
    }

    /** Whether {@code address} lies in this block (an IPv4 address never matches an IPv6 block). */
    public boolean contains(byte[] address) {
        if (address.length != network.length) {
            return false;
        }
        int full = prefixBits / 8;
        for (int i = 0; i < full; i++) {
            if (address[i] != network[i]) {
                return false;
            }
        }
        int rest = prefixBits % 8;
        if (rest == 0) {
            return true;
        }
        int mask = (0xff << (8 - rest)) & 0xff;
        return (address[full] & mask) == (network[full] & mask);
    }
}
