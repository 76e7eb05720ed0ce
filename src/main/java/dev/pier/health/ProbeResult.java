package dev.pier.health;

/**
 * The answer of one probe. Immutable.
 *
 * @param reason what was seen, for the log line of a transition ("HTTP 503", "connection refused")
 * @param timedOut whether the probe failed by running out of time, not by an answer
 */
record ProbeResult(boolean healthy, String reason, boolean timedOut) {

    static ProbeResult up(String reason) {
        return new ProbeResult(true, reason, false);
    }

    static ProbeResult down(String reason) {
        return new ProbeResult(false, reason, false);
    }

    /** A failed probe: timed out when {@code failure} is a timeout anywhere in its cause chain. */
    static ProbeResult failed(Throwable failure, java.time.Duration timeout) {
        boolean timedOut = false;
        for (Throwable t = failure; t != null; t = t.getCause()) {
            timedOut |= t instanceof java.util.concurrent.TimeoutException || t instanceof java.net.SocketTimeoutException;
        }
        return new ProbeResult(false, HttpProbe.describeFailure(failure, timeout), timedOut);
    }
}
