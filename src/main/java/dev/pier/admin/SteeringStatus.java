package dev.pier.admin;

import static dev.pier.admin.AdminServlet.quote;

import dev.pier.backend.AdminStatus;
import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.backend.ProbeRecord;
import dev.pier.backend.Transition;
import java.time.Instant;
import org.jspecify.annotations.Nullable;

/**
 * What {@code GET /_pier/status} shows of a backend's steering: its admin state, configured weight, drain
 * progress, last probes and recent transitions, all read from the backend itself (the same state the proxy and
 * the policies use). Stateless.
 */
final class SteeringStatus {

    private SteeringStatus() {
    }

    /** Appends the fields, each after a comma, to the backend's object in {@code json}. */
    static void append(StringBuilder json, Backend backend) {
        AdminStatus admin = backend.adminStatus();
        json.append(",\"configuredWeight\":").append(backend.configuredWeight())
                .append(",\"adminState\":").append(quote(admin.state().configName()))
                .append(",\"adminReason\":").append(quote(admin.reason()))
                .append(",\"adminSince\":").append(quote(admin.since().toString()))
                .append(",\"drain\":");
        if (admin.state() == AdminState.READY) {
            json.append("null");
        } else {
            json.append("{\"inFlight\":").append(backend.inFlight())
                    .append(",\"drained\":").append(admin.drainedAt() != null)
                    .append(",\"drainedAt\":").append(time(admin.drainedAt())).append('}');
        }
        json.append(",\"probes\":[");
        String separator = "";
        for (ProbeRecord probe : backend.recentProbes()) {
            json.append(separator).append("{\"time\":").append(time(probe.time()))
                    .append(",\"durationMs\":").append(probe.durationMillis())
                    .append(",\"healthy\":").append(probe.healthy())
                    .append(",\"reason\":").append(quote(probe.reason())).append('}');
            separator = ",";
        }
        json.append("],\"transitions\":[");
        separator = "";
        for (Transition transition : backend.recentTransitions()) {
            json.append(separator).append("{\"time\":").append(time(transition.time()))
                    .append(",\"kind\":").append(quote(transition.kind()))
                    .append(",\"from\":").append(quote(transition.from()))
                    .append(",\"to\":").append(quote(transition.to()))
                    .append(",\"reason\":").append(quote(transition.reason())).append('}');
            separator = ",";
        }
        json.append(']');
    }

    private static String time(@Nullable Instant time) {
        return time == null ? "null" : quote(time.toString());
    }
}
