package dev.pier.config;

/**
 * What the consistent-hash policy hashes: {@code "header:X-User"}, {@code "cookie:session"} or
 * {@code "client-ip"}. Immutable.
 *
 * @param name the header or cookie name; empty for {@link Source#CLIENT_IP}
 */
public record HashKeySettings(Source source, String name) {

    /** Where the key comes from. */
    public enum Source {
        HEADER, COOKIE, CLIENT_IP
    }
}
