package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pier.config.AddressBlock;
import dev.pier.config.IpAddresses;
import dev.pier.config.ClientAddressSettings;
import dev.pier.config.ForwardingHeader;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Finds the client's address in a request head: the TCP peer, unless the peer is a trusted proxy. Then its
 * forwarding header ({@code X-Forwarded-For}, or the {@code for} parameters of {@code Forwarded}), every field in
 * order, is walked from the right: trusted hops are skipped, and the first address that is not trusted is the
 * client's. Only the right end of the chain was written by proxies Pier trusts, so the walk never simply takes
 * the leftmost entry, which anyone can write. An entry that is not an address (malformed, {@code unknown}, an
 * obfuscated name) ends the walk at the last good address. Addresses come out in canonical form
 * ({@link IpAddresses}). A function of the head alone; immutable.
 */
public final class ClientAddressResolver {

    private final AddressBlock[] trusted;
    private final String headerName;
    private final boolean forwarded;

    public ClientAddressResolver(ClientAddressSettings settings) {
        requireNonNull(settings, "settings");
        this.trusted = settings.trustedProxies().toArray(new AddressBlock[0]);
        this.headerName = settings.header().headerName();
        this.forwarded = settings.header() == ForwardingHeader.FORWARDED;
    }

    /** The client of the request with {@code head}. */
    public ClientAddress resolve(RequestHead head) {
        String peer = IpAddresses.canonical(head.peerAddress());
        if (trusted.length == 0) {
            return new ClientAddress(peer, false);
        }
        byte[] peerBytes = IpAddresses.parse(peer);
        if (peerBytes == null || !isTrusted(peerBytes)) {
            return new ClientAddress(peer, false);
        }
        List<String> fields = head.headers(headerName);
        String client = forwarded ? walkForwarded(fields, peer) : walkForwardedFor(fields, peer);
        return new ClientAddress(client, true);
    }

    private boolean isTrusted(byte[] address) {
        for (AddressBlock block : trusted) {
            if (block.contains(address)) {
                return true;
            }
        }
        return false;
    }

    /** {@code X-Forwarded-For: a, b, c}: each field's entries from the right, the last field first. */
    private String walkForwardedFor(List<String> fields, String peer) {
        String last = peer;
        for (int f = fields.size() - 1; f >= 0; f--) {
            String field = fields.get(f);
            int end = field.length();
            while (true) {
                int comma = end == 0 ? -1 : field.lastIndexOf(',', end - 1);
                int from = skipSpace(field, comma + 1, end);
                int to = trimEnd(field, from, end);
                // An empty list element is no entry (RFC 9110, 5.6.1).
                if (from < to) {
                    byte[] address = IpAddresses.node(field, from, to, false);
                    if (address == null) {
                        return last;
                    }
                    last = IpAddresses.format(address);
                    if (!isTrusted(address)) {
                        return last;
                    }
                }
                if (comma < 0) {
                    break;
                }
                end = comma;
            }
        }
        return last;
    }

    /** {@code Forwarded: for=a;proto=http, for="[b]:80"}: the {@code for} of each element, from the right. */
    private String walkForwarded(List<String> fields, String peer) {
        List<String> elements = new ArrayList<>();
        for (String field : fields) {
            splitElements(field, elements);
        }
        String last = peer;
        for (int e = elements.size() - 1; e >= 0; e--) {
            String element = elements.get(e);
            if (element.isEmpty()) {
                continue;
            }
            String node = forOf(element);
            byte[] address = node == null ? null : IpAddresses.node(node, 0, node.length(), true);
            if (address == null) {
                return last;
            }
            last = IpAddresses.format(address);
            if (!isTrusted(address)) {
                return last;
            }
        }
        return last;
    }

    /**
     * Adds the trimmed elements of one field, split at the commas outside quoted strings. An unterminated
     * quoted string makes the rest of the field one (malformed) element: a quote never spans fields.
     */
    private static void splitElements(String field, List<String> out) {
        int start = 0;
        boolean quoted = false;
        for (int i = 0; i < field.length(); i++) {
            char c = field.charAt(i);
            if (quoted) {
                if (c == '\\') {
                    i++;
                } else if (c == '"') {
                    quoted = false;
                }
            } else if (c == '"') {
                quoted = true;
            } else if (c == ',') {
                out.add(field.substring(start, i).strip());
                start = i + 1;
            }
        }
        out.add(field.substring(start).strip());
    }

    /**
     * The value of the one {@code for} parameter of an element ({@code for=192.0.2.1;proto=https}), unquoted; null
     * when the element has none, has two, or is not {@code pair *(";" pair)} with pair {@code token=value}.
     */
    static @Nullable String forOf(String element) {
        String found = null;
        int i = 0;
        int to = element.length();
        while (true) {
            i = skipSpace(element, i, to);
            int nameStart = i;
            while (i < to && isTchar(element.charAt(i))) {
                i++;
            }
            if (i == nameStart || i >= to || element.charAt(i) != '=') {
                return null;
            }
            boolean isFor = i - nameStart == 3 && element.regionMatches(true, nameStart, "for", 0, 3);
            i++;
            String value;
            if (i < to && element.charAt(i) == '"') {
                StringBuilder unquoted = new StringBuilder(24);
                boolean closed = false;
                i++;
                while (i < to) {
                    char c = element.charAt(i++);
                    if (c == '"') {
                        closed = true;
                        break;
                    }
                    if (c == '\\') {
                        if (i >= to) {
                            return null;
                        }
                        c = element.charAt(i++);
                    }
                    unquoted.append(c);
                }
                if (!closed) {
                    return null;
                }
                value = unquoted.toString();
            } else {
                int valueStart = i;
                while (i < to && isTchar(element.charAt(i))) {
                    i++;
                }
                if (i == valueStart) {
                    return null;
                }
                value = element.substring(valueStart, i);
            }
            if (isFor) {
                if (found != null) {
                    return null;
                }
                found = value;
            }
            i = skipSpace(element, i, to);
            if (i == to) {
                return found;
            }
            if (element.charAt(i) != ';') {
                return null;
            }
            i++;
        }
    }

    private static boolean isTchar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9')
                || "!#$%&'*+-.^_`|~".indexOf(c) >= 0;
    }

    private static int skipSpace(String text, int from, int to) {
        while (from < to && (text.charAt(from) == ' ' || text.charAt(from) == '\t')) {
            from++;
        }
        return from;
    }

    private static int trimEnd(String text, int from, int to) {
        while (to > from && (text.charAt(to - 1) == ' ' || text.charAt(to - 1) == '\t')) {
            to--;
        }
        return to;
    }
}
