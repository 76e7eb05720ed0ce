package dev.pier.observe;

import dev.pier.backend.Backend;
import dev.pier.logging.DeferredMessage;
import dev.pier.logging.LineBuffer;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One request's access-log line as values, taken when its exchange ended: what the request's thread hands to the
 * logger ({@code logger.info("{}", line)}). Formatting it is left to whoever writes it: Pier's batching appender
 * writes its bytes straight into its batch on its own thread; any other appender calls {@link #toString}. Fields
 * and their order are {@link AccessLog}'s. Immutable: strings, numbers and an immutable list.
 *
 * @param path the path, with {@code ?} and the query when it is logged
 * @param backend {@code host:port} of the last try, or null
 * @param tried every backend tried, the last one included
 */
record AccessLine(boolean json, long epochMillis, String id, String client, String method, String path, int status,
                  @Nullable String route, @Nullable String backend, int upstreamStatus, List<Backend> tried,
                  long bytesIn, long bytesOut, long totalNanos, long upstreamNanos, long pierNanos,
                  @Nullable String flag, @Nullable String traceparent) implements DeferredMessage {

    @Override
    public void writeTo(LineBuffer out) {
        LineFields fields = json ? new LineFields.Json(out) : new LineFields.Logfmt(out);
        if (json) {
            out.append('{');
        }
        fields.time(epochMillis);
        fields.text("id", id);
        fields.text("client", client);
        fields.text("method", method);
        fields.text("path", path);
        fields.number("status", status);
        fields.text("route", route);
        fields.text("backend", backend);
        fields.number("upstream_status", upstreamStatus == 0 ? -1 : upstreamStatus);
        fields.number("attempts", tried.size());
        fields.list("tried", tried);
        fields.number("bytes_in", bytesIn);
        fields.number("bytes_out", bytesOut);
        fields.millis("ms", totalNanos);
        fields.millis("upstream_ms", upstreamNanos);
        fields.millis("pier_ms", pierNanos);
        fields.text("flag", flag);
        fields.trace(traceparent);
        if (json) {
            out.append('}');
        }
    }

    /** The line's text, without a line end. */
    @Override
    public String toString() {
        LineBuffer out = new LineBuffer(320);
        writeTo(out);
        return out.toString();
    }
}
