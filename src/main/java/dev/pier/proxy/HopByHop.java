package dev.pier.proxy;

import java.util.EnumSet;
import java.util.Enumeration;
import java.util.HashSet;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * Which headers belong to one connection and must not be forwarded (RFC 9110, 7.6.1): the hop-by-hop headers
 * and any header that {@code Connection} names. Known header names are looked up in Jetty's case-insensitive
 * index, so that forwarding a header costs no lower-casing. Stateless.
 */
final class HopByHop {

    private static final Set<HttpHeader> HEADERS = EnumSet.of(HttpHeader.CONNECTION, HttpHeader.KEEP_ALIVE,
            HttpHeader.PROXY_AUTHORIZATION, HttpHeader.PROXY_AUTHENTICATE, HttpHeader.PROXY_CONNECTION,
            HttpHeader.TRANSFER_ENCODING, HttpHeader.TE, HttpHeader.TRAILER, HttpHeader.UPGRADE,
            // h2c's upgrade, which Pier never makes: the request goes on as plain HTTP/1.1.
            HttpHeader.HTTP2_SETTINGS);

    private HopByHop() {
    }

    static boolean isHopByHop(@Nullable HttpHeader header) {
        return header != null && HEADERS.contains(header);
    }

    /** The lower-case names that {@code Connection} values list, or null when they list none. */
    static @Nullable Set<String> named(@Nullable Enumeration<String> connectionValues) {
        Set<String> names = null;
        while (connectionValues != null && connectionValues.hasMoreElements()) {
            names = addTokens(names, connectionValues.nextElement());
        }
        return names;
    }

    /** The lower-case names that a response's {@code Connection} fields list, or null when they list none. */
    static @Nullable Set<String> named(Iterable<HttpField> fields) {
        Set<String> names = null;
        for (HttpField field : fields) {
            if (field.getHeader() == HttpHeader.CONNECTION) {
                names = addTokens(names, field.getValue());
            }
        }
        return names;
    }

    private static @Nullable Set<String> addTokens(@Nullable Set<String> names, @Nullable String value) {
        if (value == null) {
            return names;
        }
        for (String token : value.split(",")) {
            String name = token.trim().toLowerCase(Locale.ROOT);
            // "close" and "keep-alive" are options of the connection, not header names.
            if (!name.isEmpty() && !name.equals("close") && !name.equals("keep-alive")) {
                if (names == null) {
                    names = new HashSet<>();
                }
                names.add(name);
            }
        }
        return names;
    }
}
