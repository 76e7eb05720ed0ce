package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * An answer Pier gives itself, without a backend. Immutable.
 *
 * @param status the HTTP status
 * @param flag why Pier answered, in two letters, for the access log ({@code NR} no route, {@code RL} rate
 *             limited, {@code AD} access denied, ...)
 * @param contentType the body's media type
 * @param body the whole body; it names the request id
 * @param headers more headers of the answer, in order
 */
public record LocalReply(int status, String flag, String contentType, String body,
                         List<Map.Entry<String, String>> headers) {

    public LocalReply {
        requireNonNull(flag, "flag");
        requireNonNull(contentType, "contentType");
        requireNonNull(body, "body");
        headers = List.copyOf(headers);
    }

    /** A plain-text answer: {@code message}, then the request's id on a line of its own. */
    public static LocalReply text(int status, String flag, String message, RequestContext context) {
        return new LocalReply(status, flag, "text/plain;charset=utf-8",
                message + "\nRequest id: " + context.requestId() + "\n", List.of());
    }

    /** This answer with one more header. */
    public LocalReply withHeader(String name, String value) {
        List<Map.Entry<String, String>> more = new java.util.ArrayList<>(headers);
        more.add(Map.entry(name, value));
        return new LocalReply(status, flag, contentType, body, more);
    }
}
