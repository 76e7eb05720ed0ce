package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendPool;
import dev.pier.balancing.BalancingPolicy;
import dev.pier.config.AddressBlock;
import dev.pier.config.BackendSettings;
import dev.pier.config.ClientAddressSettings;
import dev.pier.config.ForwardingHeader;
import dev.pier.config.HashKeySettings;
import dev.pier.config.HeaderRuleSettings;
import dev.pier.config.HealthCheckKind;
import dev.pier.config.HealthCheckSettings;
import dev.pier.config.PassiveHealthSettings;
import dev.pier.config.PolicyName;
import dev.pier.config.RequestIdSettings;
import dev.pier.config.RouteSettings;
import dev.pier.config.RouteStageSettings;
import dev.pier.config.WhenAllDown;
import dev.pier.routing.Route;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

class PipelineFactoryTest {

    private static final ClientAddressSettings CLIENT_ADDRESS =
            new ClientAddressSettings(List.of(AddressBlock.parse("10.0.0.0/8")), ForwardingHeader.X_FORWARDED_FOR);

    /** What the inserted stage saw, in order. */
    private final List<String> seen = new ArrayList<>();

    /** A stage given from elsewhere, as the rate limits will be. */
    private final class Inserted implements RequestStage, ResponseStage {
        @Override
        public @Nullable LocalReply onRequest(RequestContext context) {
            seen.add("request");
            return null;
        }

        @Override
        public void onForward(RequestContext context, HeaderEditor backendRequest) {
            backendRequest.set("X-Env", "from-the-inserted-stage");
        }

        @Override
        public void onResponse(RequestContext context, int status, HeaderEditor clientResponse) {
            clientResponse.set("X-Limit", "from-the-inserted-stage");
        }
    }

    private final Pipeline pipeline;

    PipelineFactoryTest() {
        Inserted inserted = new Inserted();
        RouteStageSettings api = new RouteStageSettings(
                new HeaderRuleSettings(Map.of("X-Env", "prod"), List.of("X-Debug")),
                new HeaderRuleSettings(Map.of("X-Served-By", "pier"), List.of("X-Limit")),
                List.of(AddressBlock.parse("203.0.113.0/24")), List.of());
        pipeline = PipelineFactory.create(CLIENT_ADDRESS, new RequestIdSettings(true),
                Map.of("/api", api, "/plain", RouteStageSettings.NONE),
                Map.of("/api", new Pipeline.Stages(List.of(inserted), List.of(inserted)),
                        "/limited", new Pipeline.Stages(List.of(inserted), List.of())));
    }

    private static Route route(String prefix) {
        RouteSettings settings = new RouteSettings(prefix, false, PolicyName.ROUND_ROBIN,
                List.of(new BackendSettings("http", "127.0.0.1", 1, 1)), Duration.ofSeconds(1),
                new HealthCheckSettings(HealthCheckKind.HTTP, "/", Duration.ofSeconds(1), Duration.ofSeconds(1), 1, 1),
                new HashKeySettings(HashKeySettings.Source.CLIENT_IP, ""), "c", 0, new PassiveHealthSettings(0, false),
                WhenAllDown.FAIL, -1, dev.pier.config.RouteStageSettings.NONE, List.of(),
                dev.pier.config.BackendTls.DEFAULT, prefix, List.of(),
                new dev.pier.config.WebSocketSettings(Duration.ofHours(1), 1 << 20));
        return new Route(settings, new BackendPool(List.of(new Backend("http://127.0.0.1:1", "127.0.0.1", 1, 1))), BalancingPolicy.roundRobin());
    }

    /** A request from {@code client} through a trusted proxy, routed to {@code prefix}. */
    private RequestContext routed(String client, String prefix) {
        RequestContext context = FakeRequest.from("10.0.0.1").header("X-Forwarded-For", client)
                .header("X-Request-Id", "req-1").context();
        assertThat(pipeline.beforeRouting(context)).isNull();
        context.route(route(prefix));
        return context;
    }

    @Test
    void beforeRoutingEveryRequestGetsItsIdAndClientAddress() {
        RequestContext context = routed("203.0.113.7", "/api");
        assertThat(context.requestId()).isEqualTo("req-1");
        assertThat(context.clientAddress()).isEqualTo("203.0.113.7");
        assertThat(context.trustedPeer()).isTrue();
    }

    @Test
    void theAccessRulesRunBeforeTheInsertedStages() {
        RequestContext context = routed("198.51.100.1", "/api");
        LocalReply reply = pipeline.afterRouting(context);
        assertThat(reply).isNotNull();
        assertThat(reply.status()).isEqualTo(403);
        assertThat(reply.body()).contains("Request id: req-1");
        assertThat(seen).isEmpty();
    }

    @Test
    void theHeaderRulesRunAfterTheInsertedStagesOnTheWayIn() {
        RequestContext context = routed("203.0.113.7", "/api");
        assertThat(pipeline.afterRouting(context)).isNull();
        assertThat(seen).containsExactly("request");
        FakeHeaders backend = new FakeHeaders().with("X-Debug", "1");
        pipeline.forward(context, backend);
        assertThat(backend.values("X-Env")).containsExactly("prod");
        assertThat(backend.values("X-Debug")).isEmpty();
        assertThat(backend.values("X-Request-Id")).containsExactly("req-1");
    }

    @Test
    void onTheWayOutTheHeaderRulesRunFirstAndEveryAnswerGetsTheRequestId() {
        RequestContext context = routed("198.51.100.1", "/api");
        LocalReply reply = pipeline.afterRouting(context);
        FakeHeaders answer = new FakeHeaders();
        pipeline.respond(context, reply.status(), answer);
        assertThat(answer.values("X-Served-By")).containsExactly("pier");
        // The inserted stage ran after the header rules had removed X-Limit.
        assertThat(answer.values("X-Limit")).containsExactly("from-the-inserted-stage");
        assertThat(answer.values("X-Request-Id")).containsExactly("req-1");
    }

    @Test
    void aRouteWhoseStagesWouldDoNothingHasNone() {
        assertThat(pipeline.stagesOf("/plain")).isNull();
        RequestContext context = routed("198.51.100.1", "/plain");
        assertThat(pipeline.afterRouting(context)).isNull();
        FakeHeaders backend = new FakeHeaders();
        pipeline.forward(context, backend);
        assertThat(backend.fields()).extracting(Map.Entry::getKey).containsExactly("X-Request-Id");
    }

    @Test
    void aRouteWithOnlyInsertedStagesRunsThem() {
        RequestContext context = routed("198.51.100.1", "/limited");
        assertThat(pipeline.afterRouting(context)).isNull();
        assertThat(seen).containsExactly("request");
    }
}
