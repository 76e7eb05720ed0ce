package dev.pier.health;

/**
 * The answer of one probe. Immutable.
 *
 * @param reason what was seen, for the log line of a transition ("HTTP 503", "connection refused")
 */
record ProbeResult(boolean healthy, String reason) {

    static ProbeResult up(String reason) {
        return new ProbeResult(true, reason);
    }

    static ProbeResult down(String reason) {
        return new ProbeResult(false, reason);
    }
}
