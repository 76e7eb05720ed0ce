package dev.pier.pipeline;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** A request head over a map, for the stages' tests: {@code FakeRequest.from("10.0.0.1").header(...)}. */
final class FakeRequest implements RequestHead {

    private final String peer;
    private final String path;
    private final Map<String, List<String>> headers = new LinkedHashMap<>();

    private FakeRequest(String peer, String path) {
        this.peer = peer;
        this.path = path;
    }

    static FakeRequest from(String peer) {
        return new FakeRequest(peer, "/");
    }

    static FakeRequest from(String peer, String path) {
        return new FakeRequest(peer, path);
    }

    /** Adds one header field. */
    FakeRequest header(String name, String value) {
        headers.computeIfAbsent(name.toLowerCase(Locale.ROOT), n -> new ArrayList<>()).add(value);
        return this;
    }

    /** A context of this head, as the servlet builds it. */
    RequestContext context() {
        return new RequestContext(this, System.nanoTime());
    }

    @Override
    public String method() {
        return "GET";
    }

    @Override
    public String path() {
        return path;
    }

    @Override
    public @Nullable String header(String name) {
        List<String> values = headers(name);
        return values.isEmpty() ? null : values.get(0);
    }

    @Override
    public List<String> headers(String name) {
        return headers.getOrDefault(name.toLowerCase(Locale.ROOT), List.of());
    }

    @Override
    public @Nullable String cookie(String name) {
        return null;
    }

    @Override
    public String peerAddress() {
        return peer;
    }
}
