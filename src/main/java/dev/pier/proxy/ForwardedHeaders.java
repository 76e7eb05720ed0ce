package dev.pier.proxy;

import java.util.Enumeration;
import org.jspecify.annotations.Nullable;

/**
 * Builds the values of the headers that tell a backend where a request came from: {@code X-Forwarded-For},
 * {@code Forwarded} (RFC 7239) and {@code Via}, each appended to what the client sent. Plain string building:
 * it runs once per request. Stateless.
 */
final class ForwardedHeaders {

    private ForwardedHeaders() {
    }

    /** {@code earlier} values, comma-separated, then {@code last}. */
    static String append(@Nullable Enumeration<String> earlier, String last) {
        if (earlier == null || !earlier.hasMoreElements()) {
            return last;
        }
        StringBuilder chain = new StringBuilder(64);
        while (earlier.hasMoreElements()) {
            String value = earlier.nextElement();
            if (value != null && !value.isBlank()) {
                chain.append(value.trim()).append(", ");
            }
        }
        return chain.append(last).toString();
    }

    /** One {@code Forwarded} element: {@code by="...";for="...";host="...";proto=http}. */
    static String forwardedElement(String by, String forAddress, @Nullable String host, String proto) {
        StringBuilder element = new StringBuilder(96);
        element.append("by=");
        quoteNode(element, by);
        element.append(";for=");
        quoteNode(element, forAddress);
        if (host != null) {
            element.append(";host=");
            quote(element, host);
        }
        return element.append(";proto=").append(proto).toString();
    }

    /** A node (an address) as RFC 7239 wants it: quoted, an IPv6 address in brackets. */
    private static void quoteNode(StringBuilder out, String address) {
        if (address.indexOf(':') >= 0 && !address.startsWith("[")) {
            quote(out, "[" + address + "]");
        } else {
            quote(out, address);
        }
    }

    private static void quote(StringBuilder out, String value) {
        out.append('"');
        for (int i = 0; i < value.length(); i++) {
            char c = value.charAt(i);
            if (c == '"' || c == '\\') {
                out.append('\\');
            }
            out.append(c);
        }
        out.append('"');
    }
}
