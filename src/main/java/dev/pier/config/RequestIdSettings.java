package dev.pier.config;

/**
 * How a request gets its id ({@code pier.request-id}). Immutable.
 *
 * @param trustIncoming whether a well-formed {@code X-Request-Id} of the client is kept instead of a new one
 */
public record RequestIdSettings(boolean trustIncoming) {
}
