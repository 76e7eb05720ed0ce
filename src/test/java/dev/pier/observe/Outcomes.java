package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.config.AccessLogSettings;
import dev.pier.pipeline.RequestContext;
import dev.pier.pipeline.RequestHead;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** Outcomes built by hand, for the access log's unit tests. */
final class Outcomes {

    private Outcomes() {
    }

    /** A request's head over a map of lower-case header names. */
    record Head(String method, String path, String peerAddress, Map<String, String> fields) implements RequestHead {
        @Override
        public @Nullable String header(String name) {
            return fields.get(name);
        }

        @Override
        public List<String> headers(String name) {
            String value = fields.get(name);
            return value == null ? List.of() : List.of(value);
        }

        @Override
        public @Nullable String cookie(String name) {
            return null;
        }
    }

    static RequestOutcome outcome(String path, @Nullable String query, @Nullable String traceparent, long startNanos) {
        RequestContext context = new RequestContext(new Head("GET", path, "10.0.0.1", Map.of()), startNanos);
        context.requestId("req-1");
        return Observer.NONE.begin(context, "GET", query, traceparent);
    }

    static Backend backend(int port) {
        return new Backend("http://127.0.0.1:" + port, "127.0.0.1", port, 1);
    }

    static AccessLog log(AccessLogSettings.Format format, boolean includeQuery) {
        // 2025-06-01T10:00:00.042Z
        return new AccessLog(new AccessLogSettings(true, format, includeQuery), () -> 1748772000042L);
    }
}
