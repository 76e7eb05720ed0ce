package dev.pier.proxy;

import dev.pier.backend.Failures;
import dev.pier.pipeline.LocalReply;
import dev.pier.pipeline.RequestContext;
import jakarta.servlet.http.HttpServletResponse;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.http.HttpHeader;
import org.jspecify.annotations.Nullable;

/**
 * What a failed exchange means and what the client is told: its own fault, a 4xx; a full backend queue, 503 with
 * {@code Retry-After}; the backend too slow, 504; any other failure of the backend, 502. Stateless.
 */
final class FailureReplies {

    private FailureReplies() {
    }

    /**
     * @param serverStatus the backend's status when a request with {@code Expect: 100-continue} failed after it
     *                     answered, else -1
     */
    static LocalReply of(Throwable failure, RequestContext context, int serverStatus) {
        ClientFault fault = ClientFault.in(failure);
        if (fault != null) {
            return LocalReply.text(fault.status(), "CF", "Bad request: " + fault.getMessage(), context);
        }
        if (isQueueFull(failure)) {
            // Every connection to the backend busy and its queue full: Pier's own back-pressure, not a failure.
            return LocalReply.text(HttpServletResponse.SC_SERVICE_UNAVAILABLE, "UQ",
                    "Every connection to the backend is busy", context).withHeader(HttpHeader.RETRY_AFTER.asString(), "1");
        }
        if (serverStatus >= 200) {
            return LocalReply.text(serverStatus, "UF", "The backend refused the request body", context);
        }
        return isTimeout(failure)
                ? LocalReply.text(HttpServletResponse.SC_GATEWAY_TIMEOUT, "UT", "The backend did not answer in time", context)
                : LocalReply.text(HttpServletResponse.SC_BAD_GATEWAY, "UF", "The backend failed to answer", context);
    }

    /** Whether the backend's queue was full, so that the request was never sent. */
    static boolean isQueueFull(@Nullable Throwable failure) {
        return failure instanceof RejectedExecutionException;
    }

    static boolean isTimeout(@Nullable Throwable failure) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException) {
                return true;
            }
        }
        return false;
    }

    /** A short reason for passive health's log line. */
    static String describe(Throwable failure) {
        return Failures.describe(failure, "timed out");
    }
}
