package dev.pier.routing;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.AdminState;
import dev.pier.backend.Backend;
import dev.pier.backend.Health;
import dev.pier.balancing.RequestInfo;
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
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

/** A route's choices under admin states, and what a reload carries over of the states and weights. */
class SteeringTest {

    private static final HealthCheckSettings HEALTH = new HealthCheckSettings(HealthCheckKind.HTTP, "/health",
            Duration.ofSeconds(10), Duration.ofSeconds(3), 2, 3);

    private static RouteSettings route(String prefix, PolicyName policy, WhenAllDown whenAllDown,
                                       BackendSettings... backends) {
        return new RouteSettings(prefix, false, policy, List.of(backends), Duration.ofSeconds(30), HEALTH,
                new HashKeySettings(HashKeySettings.Source.CLIENT_IP, ""), "pier-sticky", 2,
                new PassiveHealthSettings(3, false), whenAllDown, -1, RouteStageSettings.NONE, List.of(),
                dev.pier.config.BackendTls.DEFAULT, prefix, List.of(),
                new dev.pier.config.WebSocketSettings(Duration.ofHours(1), 1 << 20));
    }

    private static RouteSettings route(String prefix, BackendSettings... backends) {
        return route(prefix, PolicyName.ROUND_ROBIN, WhenAllDown.FAIL, backends);
    }

    private static BackendSettings backend(int port, int weight) {
        return new BackendSettings("http", "127.0.0.1", port, weight);
    }

    private static RequestInfo cookie(@Nullable String value) {
        return new RequestInfo() {
            @Override
            public @Nullable String header(String name) {
                return null;
            }

            @Override
            public @Nullable String cookie(String name) {
                return name.equals("pier-sticky") ? value : null;
            }

            @Override
            public String clientAddress() {
                return "10.0.0.1";
            }
        };
    }

    private static List<Backend> picks(Route route, RequestInfo request, int count) {
        List<Backend> picked = new ArrayList<>();
        for (int i = 0; i < count; i++) {
            picked.add(route.select(request));
        }
        return picked;
    }

    @Test
    void neitherADrainingBackendNorOneInMaintenanceGetsANewRequest() {
        Route route = Router.of(List.of(route("/", backend(8001, 1), backend(8002, 1), backend(8003, 1))))
                .routes().get(0);
        Backend a = route.pool().backends().get(0);
        Backend b = route.pool().backends().get(1);
        Backend c = route.pool().backends().get(2);

        assertThat(route.steer(b, AdminState.DRAIN, "test")).isEqualTo(AdminState.READY);
        assertThat(route.steer(c, AdminState.MAINT, "test")).isEqualTo(AdminState.READY);
        assertThat(route.steer(c, AdminState.MAINT, "test")).isNull();

        assertThat(picks(route, RequestInfo.NONE, 6)).containsOnly(a);
        assertThat(route.peek(RequestInfo.NONE)).isSameAs(a);
    }

    @Test
    void aDrainingBackendIsNeverTheTargetOfARetry() {
        Route route = Router.of(List.of(route("/", backend(8001, 1), backend(8002, 1)))).routes().get(0);
        Backend a = route.pool().backends().get(0);
        Backend b = route.pool().backends().get(1);
        assertThat(route.selectOther(RequestInfo.NONE, List.of(a))).isSameAs(b);

        route.steer(b, AdminState.DRAIN, "test");

        assertThat(route.selectOther(RequestInfo.NONE, List.of(a))).isNull();
    }

    @Test
    void aStickyClientPinnedToADrainingBackendStaysButIsNeverRetriedThere() {
        Route route = Router.of(List.of(route("/", PolicyName.STICKY_COOKIE, WhenAllDown.FAIL, backend(8001, 1),
                backend(8002, 1)))).routes().get(0);
        Backend a = route.pool().backends().get(0);
        Backend b = route.pool().backends().get(1);
        String setCookie = route.policy().setCookie(b, cookie(null));
        String pinnedToB = setCookie.substring("pier-sticky=".length(), setCookie.indexOf(';'));

        route.steer(b, AdminState.DRAIN, "test");

        assertThat(picks(route, cookie(pinnedToB), 5)).containsOnly(b);
        assertThat(picks(route, cookie(null), 5)).containsOnly(a);
        assertThat(route.selectOther(cookie(pinnedToB), List.of(a))).isNull();
        // Down and draining: no longer pinnable.
        route.pool().update(b, Health.DOWN, "HTTP 503");
        assertThat(route.select(cookie(pinnedToB))).isSameAs(a);
        // In maintenance: not even for its pinned clients.
        route.pool().update(b, Health.UP, "HTTP 200");
        route.steer(b, AdminState.MAINT, "test");
        assertThat(route.select(cookie(pinnedToB))).isSameAs(a);
    }

    @Test
    void tryAllSendsRequestsOnlyToReadyBackendsWhenEveryBackendIsDown() {
        Route route = Router.of(List.of(route("/", PolicyName.ROUND_ROBIN, WhenAllDown.TRY_ALL, backend(8001, 1),
                backend(8002, 1), backend(8003, 1)))).routes().get(0);
        List<Backend> backends = route.pool().backends();
        backends.forEach(b -> route.pool().update(b, Health.DOWN, "HTTP 503"));
        route.steer(backends.get(1), AdminState.DRAIN, "test");
        route.steer(backends.get(2), AdminState.MAINT, "test");

        assertThat(picks(route, RequestInfo.NONE, 4)).containsOnly(backends.get(0));
        assertThat(route.peek(RequestInfo.NONE)).isSameAs(backends.get(0));

        route.steer(backends.get(0), AdminState.MAINT, "test");
        assertThat(route.select(RequestInfo.NONE)).isNull();
    }

    @Test
    void aDrainIsMarkedDrainedWhenItsLastRequestEnds() {
        Route route = Router.of(List.of(route("/", backend(8001, 1), backend(8002, 1)))).routes().get(0);
        Backend a = route.pool().backends().get(0);
        Backend b = route.pool().backends().get(1);
        b.requestSent();
        route.steer(b, AdminState.DRAIN, "test");
        assertThat(b.adminStatus().drainedAt()).isNull();

        b.requestDone();

        assertThat(b.adminStatus().drainedAt()).isNotNull();
        assertThat(b.adminStatus().state()).isEqualTo(AdminState.DRAIN);
        // Idle at once: drained at once.
        route.steer(a, AdminState.MAINT, "test");
        assertThat(a.adminStatus().drainedAt()).isNotNull();
    }

    @Test
    void adminStatesAndWeightsSurviveAReloadWhenTheFileKeepsTheBackendAndItsWeight() {
        Router before = Router.of(List.of(route("/api", backend(8001, 1), backend(8002, 2), backend(8003, 1))));
        Route api = before.routes().get(0);
        Backend drained = api.pool().backends().get(0);
        Backend heavier = api.pool().backends().get(1);
        Backend maintained = api.pool().backends().get(2);
        api.steer(drained, AdminState.DRAIN, "test");
        api.weigh(heavier, 5, "test");
        api.steer(maintained, AdminState.MAINT, "test");

        Router after = Router.of(List.of(route("/api", backend(8003, 1), backend(8001, 1), backend(8002, 2),
                backend(8004, 1))), before);

        Route reloaded = after.routes().get(0);
        assertThat(reloaded.pool().backends().get(0)).isSameAs(maintained);
        assertThat(reloaded.pool().backends().get(1)).isSameAs(drained);
        assertThat(reloaded.pool().backends().get(2)).isSameAs(heavier);
        assertThat(drained.adminState()).isEqualTo(AdminState.DRAIN);
        assertThat(maintained.adminState()).isEqualTo(AdminState.MAINT);
        assertThat(heavier.weight()).isEqualTo(5);
        assertThat(reloaded.pool().snapshot().eligible()).extracting(Backend::port).containsExactly(8002, 8004);
        assertThat(reloaded.pool().snapshot().pinnable()).extracting(Backend::port).containsExactly(8001, 8002, 8004);
    }

    @Test
    void aBackendWhoseWeightChangedInTheFileStartsReadyWithTheFilesWeight() {
        Router before = Router.of(List.of(route("/api", backend(8001, 1), backend(8002, 1))));
        Route api = before.routes().get(0);
        Backend first = api.pool().backends().get(0);
        Backend second = api.pool().backends().get(1);
        api.steer(first, AdminState.DRAIN, "test");
        api.weigh(second, 5, "test");

        Router after = Router.of(List.of(route("/api", backend(8001, 3), backend(8002, 1))), before);

        Backend renewed = after.routes().get(0).pool().backends().get(0);
        assertThat(renewed).isNotSameAs(first);
        assertThat(renewed.adminState()).isEqualTo(AdminState.READY);
        assertThat(renewed.weight()).isEqualTo(3);
        // The file's weight of the other is unchanged: it keeps the operator's.
        assertThat(after.routes().get(0).pool().backends().get(1)).isSameAs(second);
        assertThat(second.weight()).isEqualTo(5);
    }
}
