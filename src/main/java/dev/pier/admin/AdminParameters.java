package dev.pier.admin;

import jakarta.servlet.http.HttpServletRequest;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The parameters of one admin request: from its query, its form body, or a flat JSON object body
 * ({@code Content-Type: application/json}). A name given in the query or form wins over the JSON body's.
 * Confined to the request's thread.
 */
final class AdminParameters {

    /** The largest JSON body read; an admin request names a backend and a value. */
    private static final int MAX_BODY = 8 * 1024;

    private final HttpServletRequest request;
    private final Map<String, String> json;

    private AdminParameters(HttpServletRequest request, Map<String, String> json) {
        this.request = request;
        this.json = json;
    }

    /**
     * @throws AdminError 400 for a JSON body that is not a flat object, 413 for one over 8 KiB
     */
    static AdminParameters of(HttpServletRequest request) throws IOException {
        String type = request.getContentType();
        if (type == null || !type.toLowerCase(Locale.ROOT).startsWith("application/json")) {
            return new AdminParameters(request, Map.of());
        }
        byte[] body;
        try (InputStream in = request.getInputStream()) {
            body = in.readNBytes(MAX_BODY + 1);
        }
        if (body.length > MAX_BODY) {
            throw new AdminError(413, "body: over " + MAX_BODY + " bytes (expected: a small JSON object)");
        }
        try {
            return new AdminParameters(request, FlatJson.parse(new String(body, StandardCharsets.UTF_8)));
        } catch (IllegalArgumentException e) {
            throw AdminError.badRequest(e.getMessage());
        }
    }

    /** The parameter's value, trimmed; null when it is absent or blank. */
    @Nullable String optional(String name) {
        String value = request.getParameter(name);
        if (value == null) {
            value = json.get(name);
        }
        return value == null || value.isBlank() ? null : value.strip();
    }

    /**
     * @param expected what a good value looks like, for the message
     * @throws AdminError 400 when it is absent
     */
    String required(String name, String expected) {
        String value = optional(name);
        if (value == null) {
            throw AdminError.badRequest(name + ": missing (expected: " + expected + ")");
        }
        return value;
    }
}
