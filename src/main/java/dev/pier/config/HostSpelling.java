package dev.pier.config;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * How a host is spelled when routes compare it, the same for a route's pattern (read by the configuration) and for
 * a request's host (read by {@link dev.pier.routing.Router}): names in lower case, and an IPv6 address in brackets
 * in RFC 5952's canonical spelling, so that {@code [2001:DB8:0::1]} and {@code [2001:db8::1]} are one host.
 * Stateless.
 */
public final class HostSpelling {

    private HostSpelling() {
    }

    /** {@code raw}, a route's host pattern, as it is compared: lower case, an IPv6 literal canonical. */
    static String pattern(String raw) {
        String host = raw.toLowerCase(Locale.ROOT);
        String literal = host.startsWith("[") ? ipv6Literal(host, host.length()) : null;
        return literal == null ? host : literal;
    }

    /**
     * The IPv6 literal in brackets from the start of {@code text} to {@code to} (just after the closing bracket),
     * such as {@code [2001:DB8:0::1]}, in canonical form: {@code [2001:db8::1]} (an IPv4-mapped one as
     * {@code [::ffff:192.0.2.7]}); null when it is none.
     */
    public static @Nullable String ipv6Literal(String text, int to) {
        if (to < 4 || to > text.length() || text.charAt(0) != '[' || text.charAt(to - 1) != ']'
                || text.lastIndexOf(':', to - 2) < 1) {
            return null;
        }
        byte[] bytes = IpAddresses.parse(text, 1, to - 1);
        if (bytes == null) {
            return null;
        }
        String address = IpAddresses.format(bytes);
        return bytes.length == 4 ? "[::ffff:" + address + "]" : "[" + address + "]";
    }
}
