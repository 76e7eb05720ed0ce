package dev.pier.proxy;

import java.io.IOException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpException;
import org.eclipse.jetty.http.HttpStatus;
import org.jspecify.annotations.Nullable;

/**
 * A failure of the client's making: its body was malformed, too large or too slow, or it went away or stopped
 * reading. Such a failure never counts against a backend's passive health and never moves a request to another
 * backend; the client gets a 4xx (or nothing, when its answer had started). It wraps what the container reported,
 * so that the exchange with the backend fails with a cause that says whose fault it was. Immutable.
 */
final class ClientFault extends IOException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final boolean clientGone;

    private ClientFault(int status, String message, @Nullable Throwable cause, boolean clientGone) {
        super(message, cause);
        this.status = status;
        this.clientGone = clientGone;
    }

    /** Reading the client's body failed: 408 when it stalled, the container's code when it said one, else 400. */
    static ClientFault reading(Throwable failure) {
        ClientFault known = in(failure);
        if (known != null) {
            return known;
        }
        int status = timedOut(failure) ? HttpStatus.REQUEST_TIMEOUT_408 : codeOf(failure);
        return new ClientFault(status, "reading the client's request failed", failure, endOfStream(failure));
    }

    /** Writing the answer to the client failed: it went away or stopped reading. */
    static ClientFault writing(Throwable failure) {
        ClientFault known = in(failure);
        return known != null ? known
                : new ClientFault(HttpStatus.BAD_REQUEST_400, "the client stopped reading", failure, true);
    }

    /** The client's body grew past the route's limit. */
    static ClientFault tooLarge(long limit) {
        return new ClientFault(HttpStatus.PAYLOAD_TOO_LARGE_413, "request body larger than " + limit + " bytes", null,
                false);
    }

    /** The status the client gets, if its answer has not started. */
    int status() {
        return status;
    }

    /**
     * Whether the client went away (its connection closed before its body ended, or it stopped reading its
     * answer), rather than sending something wrong.
     */
    boolean clientGone() {
        return clientGone;
    }

    /** The client fault in {@code failure}'s cause chain, or null. */
    static @Nullable ClientFault in(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof ClientFault fault) {
                return fault;
            }
        }
        return null;
    }

    /** Whether the connection ended early: Jetty's {@code EofException} and Tomcat's end of stream are EOFExceptions. */
    private static boolean endOfStream(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof java.io.EOFException || t.getClass().getSimpleName().equals("ClientAbortException")) {
                return true;
            }
        }
        return false;
    }

    private static boolean timedOut(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    private static int codeOf(Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof HttpException http && http.getCode() >= 400 && http.getCode() < 500) {
                return http.getCode();
            }
        }
        return HttpStatus.BAD_REQUEST_400;
    }
}
