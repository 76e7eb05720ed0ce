package dev.pier.config;

import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * IP literals as forwarding headers and peers write them, parsed without regular expressions or name lookups and
 * written in one canonical form, so that one client has one address: dotted quad for IPv4 (and IPv4-mapped IPv6,
 * {@code ::ffff:10.0.0.1} is {@code 10.0.0.1}, as {@link java.net.InetAddress} has it), RFC 5952 for IPv6.
 * An IPv4 part with a leading zero ({@code 010.0.0.1}, octal to some parsers) is not a literal. The parser of the
 * request path (client addresses, access rules, rate-limit keys); configuration reads its blocks with
 * {@link AddressBlock}. Stateless.
 */
public final class IpAddresses {

    private static final char[] HEX = "0123456789abcdef".toCharArray();

    private IpAddresses() {
    }

    /** The bytes of the IP literal {@code text}: 4 for IPv4 and IPv4-mapped IPv6, else 16; null if it is none. */
    public static byte @Nullable [] parse(String text) {
        return parse(text, 0, text.length());
    }

    /** The bytes of the IP literal in {@code text} from {@code from} to {@code to}, without brackets, or null. */
    public static byte @Nullable [] parse(String text, int from, int to) {
        if (from >= to) {
            return null;
        }
        for (int i = from; i < to; i++) {
            if (text.charAt(i) == ':') {
                return parse6(text, from, to);
            }
        }
        byte[] address = new byte[4];
        return parse4(text, from, to, address, 0) ? address : null;
    }

    /**
     * The address of a node of a forwarding header: an IP literal, an IPv6 one in brackets, either with a port
     * ({@code 192.0.2.7:4711}, {@code [2001:db8::1]:4711}); null when it is none.
     *
     * @param forwarded whether the node is a {@code Forwarded} one (RFC 7239): IPv6 only in brackets, and the
     *                  port may be obfuscated ({@code _a1})
     */
    public static byte @Nullable [] node(String text, int from, int to, boolean forwarded) {
        if (from >= to) {
            return null;
        }
        if (text.charAt(from) == '[') {
            int close = text.indexOf(']', from);
            if (close < 0 || close >= to || (close + 1 < to && !port(text, close + 1, to, forwarded))) {
                return null;
            }
            return parse6(text, from + 1, close);
        }
        int colon = text.indexOf(':', from);
        if (colon < 0 || colon >= to) {
            return parse(text, from, to);
        }
        int second = text.indexOf(':', colon + 1);
        if (second < 0 || second >= to) {
            // One colon: IPv4 with a port.
            byte[] address = new byte[4];
            return port(text, colon, to, forwarded) && parse4(text, from, colon, address, 0) ? address : null;
        }
        return forwarded ? null : parse6(text, from, to);
    }

    /** Whether {@code text} from {@code colon} to {@code to} is {@code :} and a port. */
    private static boolean port(String text, int colon, int to, boolean forwarded) {
        if (text.charAt(colon) != ':' || colon + 1 >= to) {
            return false;
        }
        int start = colon + 1;
        if (forwarded && text.charAt(start) == '_') {
            for (int i = start + 1; i < to; i++) {
                char c = text.charAt(i);
                if (!(isAlnum(c) || c == '.' || c == '_' || c == '-')) {
                    return false;
                }
            }
            return to > start + 1;
        }
        if (to - start > 5) {
            return false;
        }
        int port = 0;
        for (int i = start; i < to; i++) {
            char c = text.charAt(i);
            if (c < '0' || c > '9') {
                return false;
            }
            port = port * 10 + (c - '0');
        }
        return port <= 65535;
    }

    private static boolean isAlnum(char c) {
        return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
    }

    /** Four decimal parts of 0-255 without leading zeros, exactly filling {@code from} to {@code to}. */
    private static boolean parse4(String text, int from, int to, byte[] out, int offset) {
        int i = from;
        for (int part = 0; part < 4; part++) {
            if (part > 0) {
                if (i >= to || text.charAt(i) != '.') {
                    return false;
                }
                i++;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 3) {
                char c = text.charAt(i);
                if (c < '0' || c > '9') {
                    break;
                }
                value = value * 10 + (c - '0');
                i++;
            }
            int digits = i - start;
            if (digits == 0 || value > 255 || (digits > 1 && text.charAt(start) == '0')) {
                return false;
            }
            out[offset + part] = (byte) value;
        }
        return i == to;
    }

    /** RFC 4291 text: up to eight groups of 1-4 hex digits, at most one {@code ::}, maybe an IPv4 tail. */
    private static byte @Nullable [] parse6(String text, int from, int to) {
        if (to - from < 2) {
            return null;
        }
        byte[] out = new byte[16];
        int groups = 0;
        int gap = -1;
        int i = from;
        if (text.charAt(i) == ':') {
            if (text.charAt(i + 1) != ':') {
                return null;
            }
            gap = 0;
            i += 2;
        }
        while (i < to) {
            if (groups == 8) {
                return null;
            }
            int start = i;
            int value = 0;
            while (i < to && i - start < 4) {
                int digit = hexDigit(text.charAt(i));
                if (digit < 0) {
                    break;
                }
                value = (value << 4) | digit;
                i++;
            }
            if (i < to && text.charAt(i) == '.') {
                // The last 32 bits as a dotted quad.
                if (groups > 6 || !parse4(text, start, to, out, groups * 2)) {
                    return null;
                }
                groups += 2;
                break;
            }
            if (i == start) {
                return null;
            }
            out[groups * 2] = (byte) (value >>> 8);
            out[groups * 2 + 1] = (byte) value;
            groups++;
            if (i == to) {
                break;
            }
            if (text.charAt(i) != ':') {
                return null;
            }
            i++;
            if (i < to && text.charAt(i) == ':') {
                if (gap >= 0) {
                    return null;
                }
                gap = groups;
                i++;
            } else if (i == to) {
                return null;
            }
        }
        if (gap < 0 ? groups != 8 : groups == 8) {
            return null;
        }
        if (gap >= 0) {
            int after = (groups - gap) * 2;
            System.arraycopy(out, gap * 2, out, 16 - after, after);
            Arrays.fill(out, gap * 2, 16 - after, (byte) 0);
        }
        return isMapped(out) ? Arrays.copyOfRange(out, 12, 16) : out;
    }

    /** Whether {@code address} is in {@code ::ffff:0:0/96}. */
    private static boolean isMapped(byte[] address) {
        for (int i = 0; i < 10; i++) {
            if (address[i] != 0) {
                return false;
            }
        }
        return address[10] == (byte) 0xff && address[11] == (byte) 0xff;
    }

    private static int hexDigit(char c) {
        if (c >= '0' && c <= '9') {
            return c - '0';
        }
        if (c >= 'a' && c <= 'f') {
            return c - 'a' + 10;
        }
        if (c >= 'A' && c <= 'F') {
            return c - 'A' + 10;
        }
        return -1;
    }

    /** The canonical text of 4 or 16 bytes: a dotted quad, or RFC 5952 (lower case, longest zero run as ::). */
    public static String format(byte[] address) {
        if (address.length == 4) {
            return new StringBuilder(15).append(address[0] & 0xff).append('.').append(address[1] & 0xff).append('.')
                    .append(address[2] & 0xff).append('.').append(address[3] & 0xff).toString();
        }
        if (address.length != 16) {
            throw new IllegalArgumentException("address: " + address.length + " bytes (expected: 4 or 16)");
        }
        // The longest run of two or more zero groups, the first of equal ones, is written as "::".
        int bestStart = -1;
        int bestLength = 1;
        for (int g = 0; g < 8; ) {
            if (group(address, g) != 0) {
                g++;
                continue;
            }
            int start = g;
            while (g < 8 && group(address, g) == 0) {
                g++;
            }
            if (g - start > bestLength) {
                bestStart = start;
                bestLength = g - start;
            }
        }
        StringBuilder out = new StringBuilder(39);
        for (int g = 0; g < 8; g++) {
            if (g == bestStart) {
                out.append("::");
                g += bestLength - 1;
                continue;
            }
            if (out.length() > 0 && out.charAt(out.length() - 1) != ':') {
                out.append(':');
            }
            appendHex(out, group(address, g));
        }
        return out.toString();
    }

    private static int group(byte[] address, int g) {
        return ((address[g * 2] & 0xff) << 8) | (address[g * 2 + 1] & 0xff);
    }

    private static void appendHex(StringBuilder out, int value) {
        boolean started = false;
        for (int shift = 12; shift >= 0; shift -= 4) {
            int digit = (value >>> shift) & 0xf;
            if (digit != 0 || started || shift == 0) {
                out.append(HEX[digit]);
                started = true;
            }
        }
    }

    /**
     * {@code address} in canonical form; itself when it is already (an IPv4 peer, the common case, costs no
     * allocation) or when it is no literal at all.
     */
    public static String canonical(String address) {
        if (address.indexOf(':') < 0 && address.indexOf('[') < 0) {
            return address;
        }
        byte[] bytes = address.startsWith("[") && address.endsWith("]")
                ? parse(address, 1, address.length() - 1) : parse(address);
        return bytes == null ? address : format(bytes);
    }
}
