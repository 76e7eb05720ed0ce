package dev.pier.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.pier.backend.Health;
import org.junit.jupiter.api.Test;

class HealthTrackerTest {

    @Test
    void firstProbeDecidesUpOrDown() {
        assertThat(new HealthTracker(2, 3).record(true)).isEqualTo(Health.UP);
        assertThat(new HealthTracker(2, 3).record(false)).isEqualTo(Health.DOWN);
    }

    @Test
    void upBackendGoesDownAfterUnhealthyThresholdConsecutiveFailures() {
        HealthTracker tracker = new HealthTracker(2, 3);
        tracker.record(true);
        assertThat(tracker.record(false)).isNull();
        assertThat(tracker.record(false)).isNull();
        assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
        assertThat(tracker.health()).isEqualTo(Health.DOWN);
    }

    @Test
    void successBetweenFailuresRestartsTheCount() {
        HealthTracker tracker = new HealthTracker(2, 3);
        tracker.record(true);
        tracker.record(false);
        tracker.record(false);
        assertThat(tracker.record(true)).isNull();
        assertThat(tracker.record(false)).isNull();
        assertThat(tracker.record(false)).isNull();
        assertThat(tracker.health()).isEqualTo(Health.UP);
        assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
    }

    @Test
    void downBackendComesUpAfterHealthyThresholdConsecutiveSuccesses() {
        HealthTracker tracker = new HealthTracker(2, 3);
        tracker.record(false);
        assertThat(tracker.record(true)).isNull();
        assertThat(tracker.record(false)).isNull();
        assertThat(tracker.record(true)).isNull();
        assertThat(tracker.record(true)).isEqualTo(Health.UP);
    }

    @Test
    void thresholdOfOneSwitchesAtOnce() {
        HealthTracker tracker = new HealthTracker(1, 1);
        tracker.record(true);
        assertThat(tracker.record(false)).isEqualTo(Health.DOWN);
        assertThat(tracker.record(true)).isEqualTo(Health.UP);
    }

    @Test
    void thresholdBelowOneIsRejected() {
        assertThatThrownBy(() -> new HealthTracker(0, 1)).hasMessage("healthyThreshold: 0 (expected: > 0)");
        assertThatThrownBy(() -> new HealthTracker(1, 0)).hasMessage("unhealthyThreshold: 0 (expected: > 0)");
    }
}
