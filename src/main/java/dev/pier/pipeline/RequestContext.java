package dev.pier.pipeline;

import static java.util.Objects.requireNonNull;

import dev.pier.balancing.RequestInfo;
import dev.pier.routing.Route;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What Pier knows of one client request, built once when it arrives and read by every stage, the proxy, the
 * balancing policy and the logs: nothing parses the same header twice. The stages before routing fill in the
 * request id and the client's address; routing fills in the route.
 *
 * <p>Not thread-safe, and need not be: it belongs to one request, whose steps run one after another (the
 * container and Jetty's client order them, with a happens-before edge at each hand-off).
 */
public final class RequestContext implements RequestInfo {

    private final RequestHead head;
    private final long startNanos;
    private String requestId = "-";
    private String clientAddress;
    private boolean trustedPeer;
    private @Nullable Route route;
    private @Nullable List<Map.Entry<String, String>> responseHeaders;

    /**
     * @param startNanos when the request arrived, by {@link System#nanoTime()}
     */
    public RequestContext(RequestHead head, long startNanos) {
        this.head = requireNonNull(head, "head");
        this.startNanos = startNanos;
        this.clientAddress = head.peerAddress();
    }

    public RequestHead head() {
        return head;
    }

    /** When the request arrived, by {@link System#nanoTime()}. */
    public long startNanos() {
        return startNanos;
    }

    /** The request's id: the client's when trusted, else Pier's own; {@code -} before the request-id stage. */
    public String requestId() {
        return requestId;
    }

    public void requestId(String id) {
        this.requestId = requireNonNull(id, "id");
    }

    /**
     * The client's address as Pier resolved it: the TCP peer, or, from a trusted proxy, the address its
     * forwarding header names. What rate limits, access rules, hashing and logs use.
     */
    @Override
    public String clientAddress() {
        return clientAddress;
    }

    /**
     * @param trustedPeer whether the TCP peer is a trusted proxy, so that the forwarding headers it sent go on to
     *                    the backend (with the peer appended); from anyone else they are replaced
     */
    public void clientAddress(String address, boolean trustedPeer) {
        this.clientAddress = requireNonNull(address, "address");
        this.trustedPeer = trustedPeer;
    }

    /** Whether the peer is a trusted proxy whose forwarding headers are kept. */
    public boolean trustedPeer() {
        return trustedPeer;
    }

    /** The route that matched, or null before routing or when none did. */
    public @Nullable Route route() {
        return route;
    }

    public void route(Route matched) {
        this.route = requireNonNull(matched, "matched");
    }

    /** Asks for a header on the answer, whoever gives it (the backend or Pier): rate-limit fields, say. */
    public void addResponseHeader(String name, String value) {
        if (responseHeaders == null) {
            responseHeaders = new ArrayList<>(2);
        }
        responseHeaders.add(Map.entry(name, value));
    }

    /** The headers that {@link #addResponseHeader} asked for, in order. */
    public List<Map.Entry<String, String>> responseHeaders() {
        return responseHeaders == null ? List.of() : responseHeaders;
    }

    @Override
    public @Nullable String header(String name) {
        return head.header(name);
    }

    @Override
    public @Nullable String cookie(String name) {
        return head.cookie(name);
    }
}
