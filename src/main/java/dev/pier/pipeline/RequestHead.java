package dev.pier.pipeline;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The head of a client's request as the stages read it: never its body. The servlet adapts its request to it;
 * tests use a map. Implementations need not be thread-safe (one request, one thread at a time).
 */
public interface RequestHead {

    String method();

    /** The normalised path (percent-encoding kept, dot segments resolved), without the query. */
    String path();

    /** The first value of the named header (case-insensitive), or null. */
    @Nullable String header(String name);

    /** Every value of the named header, in order; empty when there is none. */
    List<String> headers(String name);

    /** The value of the named cookie, or null. */
    @Nullable String cookie(String name);

    /** The IP address (a literal, without brackets) of the TCP peer: the client or the proxy in front of Pier. */
    String peerAddress();
}
