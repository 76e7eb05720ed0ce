package dev.pier.config;

/** The header in which trusted proxies name the clients they forward for ({@code pier.client-address.header}). */
public enum ForwardingHeader {
    /** {@code X-Forwarded-For: client, proxy1, proxy2}: a comma-separated list of addresses. */
    X_FORWARDED_FOR("X-Forwarded-For"),
    /** {@code Forwarded: for=client;proto=https, for=proxy1} (RFC 7239): the {@code for} parameter of each element. */
    FORWARDED("Forwarded");

    private final String headerName;

    ForwardingHeader(String headerName) {
        this.headerName = headerName;
    }

    /** The header's name, as the configuration writes it. */
    public String headerName() {
        return headerName;
    }
}
