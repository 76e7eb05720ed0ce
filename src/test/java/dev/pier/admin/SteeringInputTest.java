package dev.pier.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

/** How the steering endpoints read a backend and a wait. */
class SteeringInputTest {

    @Test
    void aBackendIsNamedByHostAndPortOrByItsUrl() {
        assertThat(Steering.authority("127.0.0.1:9001")).isEqualTo("127.0.0.1:9001");
        assertThat(Steering.authority("http://127.0.0.1:9001/")).isEqualTo("127.0.0.1:9001");
        assertThat(Steering.authority("https://API.Internal:443")).isEqualTo("api.internal:443");
        assertThat(Steering.authority("[::1]:9001")).isEqualTo("[::1]:9001");
    }

    @Test
    void anythingElseIsABadRequestSayingWhatIsExpected() {
        for (String bad : new String[] {"127.0.0.1", "127.0.0.1:", ":9001", "127.0.0.1:port", "127.0.0.1:123456",
                "http://127.0.0.1:9001/path"}) {
            assertThatThrownBy(() -> Steering.authority(bad)).isInstanceOfSatisfying(AdminError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).isEqualTo("backend: '" + bad
                        + "' (expected: host:port of a configured backend, such as 127.0.0.1:9001)");
            });
        }
    }

    @Test
    void aWaitIsADurationOrSecondsAndAtMostTenMinutes() {
        assertThat(Steering.duration("wait", null)).isEqualTo(Duration.ZERO);
        assertThat(Steering.duration("wait", "30s")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Steering.duration("wait", "30")).isEqualTo(Duration.ofSeconds(30));
        assertThat(Steering.duration("wait", "250ms")).isEqualTo(Duration.ofMillis(250));
        assertThat(Steering.duration("wait", "10m")).isEqualTo(Duration.ofMinutes(10));
        for (String bad : new String[] {"11m", "-1s", "1h", "soon", "1.5s"}) {
            assertThatThrownBy(() -> Steering.duration("wait", bad)).isInstanceOfSatisfying(AdminError.class, e -> {
                assertThat(e.status()).isEqualTo(400);
                assertThat(e.getMessage()).isEqualTo("wait: '" + bad
                        + "' (expected: a duration such as 30s, 500ms or 2m, at most 10m)");
            });
        }
    }
}
