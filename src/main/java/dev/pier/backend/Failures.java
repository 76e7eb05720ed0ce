package dev.pier.backend;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeoutException;

/** Short reasons for failures talking to a backend, for log lines and status. Stateless. */
public final class Failures {

    private Failures() {
    }

    /**
     * "connection refused", {@code timedOut} for a timeout anywhere in the cause chain, else the exception's
     * simple name and message.
     */
    public static String describe(Throwable failure, String timedOut) {
        for (Throwable t = failure; t != null; t = t.getCause()) {
            if (t instanceof TimeoutException || t instanceof SocketTimeoutException) {
                return timedOut;
            }
            if (t instanceof ConnectException) {
                return "connection refused";
            }
        }
        String message = failure.getMessage();
        return failure.getClass().getSimpleName() + (message == null ? "" : ": " + message);
    }
}
