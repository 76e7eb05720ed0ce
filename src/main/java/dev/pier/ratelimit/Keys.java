package dev.pier.ratelimit;

import dev.pier.config.IpAddresses;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.HexFormat;

/** How request values become bucket keys of bounded size. Stateless. */
final class Keys {

    /** Longer values are kept as their digest, so that a bucket's memory does not grow with what clients send. */
    static final int LONGEST = 64;

    private Keys() {
    }

    /**
     * The key of a client address: an IPv4 address as it is (no allocation); an IPv6 address as its first
     * {@code ipv6Prefix} bits, e.g. {@code 2001:db8:0:1::/64}; anything else bounded as a value.
     */
    static String clientAddress(String address, int ipv6Prefix) {
        if (address.indexOf(':') < 0) {
            return bounded(address);
        }
        byte[] bytes = IpAddresses.parse(address);
        if (bytes == null) {
            return bounded(address);
        }
        if (bytes.length == 4) {
            // An IPv4-mapped IPv6 address counts as its IPv4 address.
            return (bytes[0] & 0xff) + "." + (bytes[1] & 0xff) + "." + (bytes[2] & 0xff) + "." + (bytes[3] & 0xff);
        }
        StringBuilder key = new StringBuilder(24);
        int groups = (ipv6Prefix + 15) / 16;
        for (int g = 0; g < groups; g++) {
            int bits = Math.min(16, ipv6Prefix - g * 16);
            int group = ((bytes[2 * g] & 0xff) << 8) | (bytes[2 * g + 1] & 0xff);
            group &= (0xffff << (16 - bits)) & 0xffff;
            if (g > 0) {
                key.append(':');
            }
            key.append(Integer.toHexString(group));
        }
        if (groups < 8) {
            key.append("::");
        }
        return key.append('/').append(ipv6Prefix).toString();
    }

    /** {@code value} itself when short, else {@code #} and its SHA-256 digest (base64url): 44 characters. */
    static String bounded(String value) {
        return value.length() <= LONGEST ? value : "#" + Base64.getUrlEncoder().withoutPadding().encodeToString(
                sha256(value));
    }

    /** A short digest of a key for logs, where header and cookie values (tokens, sessions) must not appear. */
    static String fingerprint(String key) {
        return HexFormat.of().formatHex(sha256(key), 0, 4);
    }

    private static byte[] sha256(String value) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(value.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("every Java platform has SHA-256", e);
        }
    }
}
