package dev.pier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import dev.pier.config.BackendSettings;
import dev.pier.config.HashKeySettings;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import dev.pier.config.PassiveHealthSettings;
import dev.pier.config.PolicyName;
import dev.pier.config.RouteSettings;
import dev.pier.config.RouteStageSettings;
import dev.pier.config.WhenAllDown;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/** What a reload carries over: backends by route prefix, URL and weight; a route's policy by prefix and name. */
class RouterReloadTest {

    private static final HealthCheckSettings HEALTH = new HealthCheckSettings(HealthCheckKind.HTTP, "/health",
            Duration.ofSeconds(10), Duration.ofSeconds(3), 2, 3);

    private static RouteSettings route(String prefix, BackendSettings... backends) {
        return new RouteSettings(prefix, false, PolicyName.ROUND_ROBIN, List.of(backends), Duration.ofSeconds(30),
                HEALTH, new HashKeySettings(HashKeySettings.Source.CLIENT_IP, ""), "pier-sticky", 2,
                new PassiveHealthSettings(3, false), WhenAllDown.FAIL, -1, RouteStageSettings.NONE, List.of(),
                dev.pier.config.BackendTls.DEFAULT, prefix, List.of(),
                new dev.pier.config.WebSocketSettings(Duration.ofHours(1), 1 << 20));
    }

    private static BackendSettings backend(int port, int weight) {
        return new BackendSettings("http", "127.0.0.1", port, weight);
    }

    @Test
    void backendWithTheSamePrefixUrlAndWeightIsTheSameInstanceAndKeepsItsStatus() {
        Router before = Router.of(List.of(route("/api", backend(8081, 1), backend(8082, 1))));
        Backend kept = before.routes().get(0).pool().backends().get(0);
        before.routes().get(0).pool().update(kept, Health.DOWN, "HTTP 503 from /health");
        BackendStatus status = before.routes().get(0).pool().snapshot().statuses().get(0);

        Router after = Router.of(List.of(route("/api", backend(8083, 1), backend(8081, 1))), before);

        Route route = after.routes().get(0);
        assertThat(route.pool().backends().get(1)).isSameAs(kept);
        assertThat(route.pool().snapshot().statuses().get(1)).isEqualTo(status);
        assertThat(route.pool().snapshot().statuses().get(0).health()).isEqualTo(Health.UNKNOWN);
        assertThat(route.pool().snapshot().eligible()).extracting(Backend::url).containsExactly("http://127.0.0.1:8083");
    }

    @Test
    void backendWhoseWeightChangedOrThatMovedToAnotherPrefixStartsUnknown() {
        Router before = Router.of(List.of(route("/api", backend(8081, 1)), route("/web", backend(8082, 1))));
        before.routes().forEach(r -> r.pool().update(r.pool().backends().get(0), Health.UP, "first probe"));

        Router after = Router.of(List.of(route("/api", backend(8081, 2)), route("/other", backend(8082, 1))), before);

        assertThat(after.routes()).allSatisfy(r -> {
            assertThat(r.pool().backends().get(0)).isNotIn(before.routes().get(0).pool().backends(),
                    before.routes().get(1).pool().backends());
            assertThat(r.pool().snapshot().statuses().get(0).health()).isEqualTo(Health.UNKNOWN);
        });
    }

    @Test
    void routeWithTheSamePrefixAndPolicyKeepsItsPolicyAndSoItsPosition() {
        Router before = Router.of(List.of(route("/api", backend(8081, 1))));

        Router after = Router.of(List.of(route("/api", backend(8081, 1), backend(8082, 1)), route("/new",
                backend(8083, 1))), before);

        assertThat(after.byPrefix("/api").policy()).isSameAs(before.byPrefix("/api").policy());
        assertThat(after.byPrefix("/new").policy()).isNotSameAs(before.byPrefix("/api").policy());
    }
}
