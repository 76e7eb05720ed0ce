package dev.pier.observe;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.pipeline.RequestContext;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * What one request came to, gathered on its way by the proxy and read once when its exchange ends: the backend that
 * answered and those tried before, the statuses, the bytes, the times and why Pier answered itself. {@link #end}
 * hands it to the access log and the metrics of the configuration the request started with.
 *
 * <p>Not thread-safe, and need not be: it belongs to one request, whose steps run one after another (the container
 * and Jetty's client order them, with a happens-before edge at each hand-off). The body's bytes in and out are
 * each counted by one thread of their own.
 */
public final class RequestOutcome {

    /** The flag of a request whose client went away before its answer was complete. */
    public static final String CLIENT_GONE = "DC";

    private final Observer observer;
    private final RequestContext context;
    private final String method;
    private final @Nullable String query;
    private final @Nullable String traceparent;
    private @Nullable String flag;
    private @Nullable Backend backend;
    private List<Backend> tried = List.of();
    private int status;
    private int upstreamStatus;
    private long bytesIn;
    private long bytesOut;
    private long firstSentNanos;
    private long lastSentNanos;
    private long firstByteNanos;
    private long endNanos;
    private boolean ended;

    RequestOutcome(Observer observer, RequestContext context, String method, @Nullable String query,
                   @Nullable String traceparent) {
        this.observer = observer;
        this.context = requireNonNull(context, "context");
        this.method = requireNonNull(method, "method");
        this.query = query;
        this.traceparent = traceparent;
    }

    /** The access log and metrics this request reports to. */
    public Observer observer() {
        return observer;
    }

    public RequestContext context() {
        return context;
    }

    public String method() {
        return method;
    }

    /** The raw query, without {@code ?}; null when the request had none. */
    public @Nullable String query() {
        return query;
    }

    /** The request's {@code traceparent} header as it came, or null. */
    public @Nullable String traceparent() {
        return traceparent;
    }

    /** Records why Pier answered itself ({@code NR}, {@code UF}, {@link #CLIENT_GONE}...); the first reason stays. */
    public void flag(String reason) {
        if (flag == null) {
            flag = requireNonNull(reason, "reason");
        }
    }

    /** Why Pier answered itself, or null when the backend's answer went through. */
    public @Nullable String flag() {
        return flag;
    }

    /** A try was handed to the HTTP client at {@code nanos} (by {@link System#nanoTime()}). */
    public void sent(long nanos) {
        if (firstSentNanos == 0) {
            firstSentNanos = nanos;
        }
        lastSentNanos = nanos;
        firstByteNanos = 0;
        upstreamStatus = 0;
    }

    /** Whether a try was sent to a backend already. */
    public boolean wasSent() {
        return firstSentNanos != 0;
    }

    /** The current try's backend answered with {@code status}; its response line arrived at {@code nanos}. */
    public void answered(int status, long nanos) {
        upstreamStatus = status;
        firstByteNanos = nanos;
    }

    /** {@code count} more bytes of the client's body were read. */
    public void read(long count) {
        bytesIn += count;
    }

    /** {@code count} more bytes of body went to the client. */
    public void wrote(long count) {
        bytesOut += count;
    }

    /**
     * The request is over: records its final status, the backend of its last try and every backend tried (the last
     * one included), and reports it once; later calls do nothing.
     */
    public void end(int finalStatus, @Nullable Backend last, List<Backend> allTried, long nanos) {
        if (ended) {
            return;
        }
        ended = true;
        this.status = finalStatus;
        this.backend = last;
        this.tried = requireNonNull(allTried, "allTried");
        this.endNanos = nanos;
        observer.ended(this);
    }

    /** The status the client was sent (or was being sent, when it went away). */
    public int status() {
        return status;
    }

    /** The backend of the last try, or null when none was tried. */
    public @Nullable Backend backend() {
        return backend;
    }

    /** Every backend tried, in order, the last one included. */
    public List<Backend> tried() {
        return tried;
    }

    /** The status the last try's backend answered with; 0 when it answered nothing. */
    public int upstreamStatus() {
        return upstreamStatus;
    }

    public long bytesIn() {
        return bytesIn;
    }

    public long bytesOut() {
        return bytesOut;
    }

    /** When the exchange ended, by {@link System#nanoTime()}. */
    long endNanos() {
        return endNanos;
    }

    /** From arrival to the end, in nanoseconds. */
    public long totalNanos() {
        return endNanos - context.startNanos();
    }

    /** From the last try's sending to its backend's response line; -1 when no response line arrived. */
    public long upstreamNanos() {
        return firstByteNanos == 0 ? -1 : firstByteNanos - lastSentNanos;
    }

    /**
     * Pier's own time: from arrival until the first try was sent (the pipeline and the choice of a backend); the whole
     * request when no backend was asked.
     */
    public long pierNanos() {
        return firstSentNanos == 0 ? totalNanos() : firstSentNanos - context.startNanos();
    }
}
