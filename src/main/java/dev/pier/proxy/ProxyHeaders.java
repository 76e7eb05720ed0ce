package dev.pier.proxy;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Enumeration;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.client.Request;
import org.eclipse.jetty.client.Response;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * The headers of the two legs: the client's end-to-end headers to the backend, Pier's forwarded headers, and the
 * backend's end-to-end headers back to the client. Replaces Jetty's versions, which lower-case every name and
 * fill a set per request. Stateless.
 */
final class ProxyHeaders {

    private static final String X_FORWARDED_FOR = HttpHeader.X_FORWARDED_FOR.asString();
    private static final String FORWARDED = HttpHeader.FORWARDED.asString();
    private static final String VIA = HttpHeader.VIA.asString();
    private static final String CONNECTION = HttpHeader.CONNECTION.asString();

    private ProxyHeaders() {
    }

    /**
     * Copies the client's headers to the proxy request, without hop-by-hop headers, those that
     * {@code Connection} names, and {@code Host} (the backend's own goes out).
     */
    static void copyRequestHeaders(HttpServletRequest clientRequest, Request proxyRequest) {
        proxyRequest.headers(headers -> copyRequestHeaders(clientRequest, headers));
    }

    /** As {@link #copyRequestHeaders(HttpServletRequest, Request)}, into {@code headers}, which it clears first. */
    static void copyRequestHeaders(HttpServletRequest clientRequest, HttpFields.Mutable headers) {
        Set<String> connectionNamed = HopByHop.named(clientRequest.getHeaders(CONNECTION));
        headers.clear();
        for (Enumeration<String> names = clientRequest.getHeaderNames(); names.hasMoreElements(); ) {
            String name = names.nextElement();
            HttpHeader known = HttpHeader.CACHE.get(name);
            if (known == HttpHeader.HOST || HopByHop.isHopByHop(known)
                    || (connectionNamed != null && connectionNamed.contains(name.toLowerCase(Locale.ROOT)))) {
                continue;
            }
            for (Enumeration<String> values = clientRequest.getHeaders(name); values.hasMoreElements(); ) {
                String value = values.nextElement();
                if (value != null) {
                    headers.add(name, value);
                }
            }
        }
    }

    /**
     * Sets {@code Via}, {@code Forwarded}, {@code X-Forwarded-For} (each appended to the client's),
     * {@code X-Forwarded-Proto} and {@code X-Forwarded-Host} (Pier's own view). A forwarded header that the
     * client's {@code Connection} names is the client's hop's alone: Pier's value replaces it rather than
     * extending it.
     *
     * <p>{@code X-Forwarded-For} and {@code Forwarded} say who the client is: only a trusted proxy's are kept
     * (with the proxy appended); from anyone else they are replaced by the peer's address, so that a backend
     * reading the leftmost entry cannot be fooled.
     *
     * @param via11 the {@code Via} element of an HTTP/1.1 request
     * @param trustedPeer whether the peer is a trusted proxy
     */
    static void addForwardedHeaders(HttpServletRequest clientRequest, Request proxyRequest, String via11,
                                    String viaHost, boolean trustedPeer) {
        proxyRequest.headers(headers -> addForwardedHeaders(clientRequest, headers, via11, viaHost, trustedPeer));
    }

    /** As {@link #addForwardedHeaders(HttpServletRequest, Request, String, String, boolean)}, into {@code headers}. */
    static void addForwardedHeaders(HttpServletRequest clientRequest, HttpFields.Mutable headers, String via11,
                                    String viaHost, boolean trustedPeer) {
        Set<String> connectionNamed = HopByHop.named(clientRequest.getHeaders(CONNECTION));
        String remote = clientRequest.getRemoteAddr();
        String host = clientRequest.getHeader(HttpHeader.HOST.asString());
        String scheme = clientRequest.getScheme();
        String forwardedFor = ForwardedHeaders.append(
                trustedPeer ? incoming(clientRequest, X_FORWARDED_FOR, connectionNamed) : null, remote);
        String forwarded = ForwardedHeaders.append(
                trustedPeer ? incoming(clientRequest, FORWARDED, connectionNamed) : null,
                ForwardedHeaders.forwardedElement(clientRequest.getLocalAddr(), remote, host, scheme));
        String protocol = clientRequest.getProtocol();
        String via = ForwardedHeaders.append(incoming(clientRequest, VIA, connectionNamed),
                "HTTP/1.1".equals(protocol) ? via11 : protocol.replace("HTTP/", "") + " " + viaHost);
        headers.put(HttpHeader.VIA, via);
        headers.put(HttpHeader.FORWARDED, forwarded);
        headers.put(HttpHeader.X_FORWARDED_FOR, forwardedFor);
        headers.put(HttpHeader.X_FORWARDED_PROTO, scheme);
        if (host != null) {
            headers.put(HttpHeader.X_FORWARDED_HOST, host);
        } else {
            headers.remove(HttpHeader.X_FORWARDED_HOST);
        }
    }

    /** The client's values of {@code name}, or null when its {@code Connection} names the header. */
    private static @Nullable Enumeration<String> incoming(HttpServletRequest clientRequest, String name,
                                                          @Nullable Set<String> connectionNamed) {
        if (connectionNamed != null && connectionNamed.contains(name.toLowerCase(Locale.ROOT))) {
            return null;
        }
        return clientRequest.getHeaders(name);
    }

    /**
     * Copies the backend's response headers to the client's response, without hop-by-hop headers and those
     * that its {@code Connection} names. The first field of a name replaces what the container set (its
     * {@code Date}, {@code Server}); later ones are added, so that repeated headers stay repeated.
     */
    static void copyResponseHeaders(Response serverResponse, HttpServletResponse proxyResponse) {
        HttpFields fields = serverResponse.getHeaders();
        Set<String> connectionNamed = fields.contains(HttpHeader.CONNECTION) ? HopByHop.named(fields) : null;
        int index = 0;
        for (HttpField field : fields) {
            int position = index++;
            if (HopByHop.isHopByHop(field.getHeader()) || (connectionNamed != null
                    && connectionNamed.contains(field.getLowerCaseName()))) {
                continue;
            }
            String name = field.getName();
            if (firstOfItsName(fields, name, position)) {
                proxyResponse.setHeader(name, field.getValue());
            } else {
                proxyResponse.addHeader(name, field.getValue());
            }
        }
    }

    private static boolean firstOfItsName(HttpFields fields, String name, int position) {
        for (int i = 0; i < position; i++) {
            if (fields.getField(i).is(name)) {
                return false;
            }
        }
        return true;
    }
}
