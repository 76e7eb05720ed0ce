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

    private static final LineFields.Key ID = new LineFields.Key("id");
    private static final LineFields.Key CLIENT = new LineFields.Key("client");
    private static final LineFields.Key METHOD = new LineFields.Key("method");
    private static final LineFields.Key PATH = new LineFields.Key("path");
    private static final LineFields.Key STATUS = new LineFields.Key("status");
    private static final LineFields.Key ROUTE = new LineFields.Key("route");
    private static final LineFields.Key BACKEND = new LineFields.Key("backend");
    private static final LineFields.Key UPSTREAM_STATUS = new LineFields.Key("upstream_status");
    private static final LineFields.Key ATTEMPTS = new LineFields.Key("attempts");
    private static final LineFields.Key TRIED = new LineFields.Key("tried");
    private static final LineFields.Key BYTES_IN = new LineFields.Key("bytes_in");
    private static final LineFields.Key BYTES_OUT = new LineFields.Key("bytes_out");
    private static final LineFields.Key MS = new LineFields.Key("ms");
    private static final LineFields.Key UPSTREAM_MS = new LineFields.Key("upstream_ms");
    private static final LineFields.Key PIER_MS = new LineFields.Key("pier_ms");
    private static final LineFields.Key FLAG = new LineFields.Key("flag");

    @Override
    public void writeTo(LineBuffer out) {
        LineFields fields = json ? new LineFields.Json(out) : new LineFields.Logfmt(out);
        if (json) {
            out.append('{');
        }
        fields.time(epochMillis);
        fields.text(ID, id);
        fields.text(CLIENT, client);
        fields.text(METHOD, method);
        fields.text(PATH, path);
        fields.number(STATUS, status);
        fields.text(ROUTE, route);
        fields.text(BACKEND, backend);
        fields.number(UPSTREAM_STATUS, upstreamStatus == 0 ? -1 : upstreamStatus);
        fields.number(ATTEMPTS, tried.size());
        fields.list(TRIED, tried);
        fields.number(BYTES_IN, bytesIn);
        fields.number(BYTES_OUT, bytesOut);
        fields.millis(MS, totalNanos);
        fields.millis(UPSTREAM_MS, upstreamNanos);
        fields.millis(PIER_MS, pierNanos);
        fields.text(FLAG, flag);
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
