package dev.pier.ratelimit;

import dev.pier.pipeline.RequestContext;
import dev.pier.pipeline.RequestHead;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Request contexts for tests: a peer address, headers and cookies, without a servlet. */
final class Requests {

    private final String peer;
    private final Map<String, String> headers = new LinkedHashMap<>();
    private final Map<String, String> cookies = new LinkedHashMap<>();
    private String requestId = "test-request-1";

    private Requests(String peer) {
        this.peer = peer;
    }

    static Requests from(String peer) {
        return new Requests(peer);
    }

    Requests header(String name, String value) {
        headers.put(name.toLowerCase(Locale.ROOT), value);
        return this;
    }

    Requests cookie(String name, String value) {
        cookies.put(name, value);
        return this;
    }

    Requests requestId(String id) {
        this.requestId = id;
        return this;
    }

    RequestContext context() {
        Map<String, String> h = Map.copyOf(headers);
        Map<String, String> c = Map.copyOf(cookies);
        RequestHead head = new RequestHead() {
            @Override
            public String method() {
                return "GET";
            }

            @Override
            public String path() {
                return "/api/items";
            }

            @Override
            public @Nullable String header(String name) {
                return h.get(name.toLowerCase(Locale.ROOT));
            }

            @Override
            public List<String> headers(String name) {
                String value = header(name);
                return value == null ? List.of() : List.of(value);
            }

            @Override
            public @Nullable String cookie(String name) {
                return c.get(name);
            }

            @Override
            public String peerAddress() {
                return peer;
            }
        };
        RequestContext context = new RequestContext(head, 0);
        context.requestId(requestId);
        return context;
    }
}
