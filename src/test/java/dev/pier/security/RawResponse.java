package dev.pier.security;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP response as read off the wire: the head as sent, the body after its framing was removed, and whether
 * the body arrived whole. Immutable.
 *
 * @param head the status line and header lines, with their CRLFs and the empty line
 * @param complete false when the connection closed before the body's framing said it ends
 */
record RawResponse(String head, byte[] body, boolean complete) {

    static RawResponse of(String head, byte[] body, boolean complete) {
        return new RawResponse(head, body, complete);
    }

    int status() {
        String[] parts = head.split(" ", 3);
        if (parts.length < 2 || !parts[0].startsWith("HTTP/")) {
            throw new AssertionError("not an HTTP response: " + head);
        }
        return Integer.parseInt(parts[1].trim());
    }

    /** The first value of header {@code name}, or null. */
    @Nullable String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    /** Every value of header {@code name}, in order. */
    List<String> headers(String name) {
        List<String> values = new ArrayList<>();
        String[] lines = head.split("\r\n");
        String wanted = name.toLowerCase(Locale.ROOT) + ":";
        for (int i = 1; i < lines.length; i++) {
            if (lines[i].toLowerCase(Locale.ROOT).startsWith(wanted)) {
                values.add(lines[i].substring(wanted.length()).trim());
            }
        }
        return values;
    }

    String bodyText() {
        return new String(body, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
        return head.replace("\r\n", "\\r\\n ") + " + " + body.length + " body bytes" + (complete ? "" : " (cut short)");
    }
}
