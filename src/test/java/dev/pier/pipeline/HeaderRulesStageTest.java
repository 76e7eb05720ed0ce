package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.config.HeaderRuleSettings;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HeaderRulesStageTest {

    private final HeaderRulesStage stage = new HeaderRulesStage(
            new HeaderRuleSettings(Map.of("X-Env", "prod"), List.of("X-Debug")),
            new HeaderRuleSettings(Map.of("Strict-Transport-Security", "max-age=63072000"), List.of("Server")));
    private final RequestContext context = FakeRequest.from("10.0.0.1").context();

    @Test
    void theRequestRulesEditWhatGoesToTheBackend() {
        FakeHeaders backend = new FakeHeaders().with("X-Env", "dev").with("x-env", "test").with("X-DEBUG", "1")
                .with("Accept", "*/*");
        assertThat(stage.onRequest(context)).isNull();
        stage.onForward(context, backend);
        assertThat(backend.values("X-Env")).containsExactly("prod");
        assertThat(backend.values("X-Debug")).isEmpty();
        assertThat(backend.values("Accept")).containsExactly("*/*");
    }

    @Test
    void theResponseRulesEditEveryAnswer() {
        FakeHeaders answer = new FakeHeaders().with("Server", "backend/1.0").with("Content-Type", "text/plain");
        stage.onResponse(context, 403, answer);
        assertThat(answer.values("Strict-Transport-Security")).containsExactly("max-age=63072000");
        assertThat(answer.values("Server")).isEmpty();
        assertThat(answer.values("Content-Type")).containsExactly("text/plain");
    }

    @Test
    void eachSideLeavesTheOtherAlone() {
        FakeHeaders backend = new FakeHeaders().with("Server", "kept");
        stage.onForward(context, backend);
        assertThat(backend.values("Server")).containsExactly("kept");
        assertThat(backend.values("Strict-Transport-Security")).isEmpty();
        FakeHeaders answer = new FakeHeaders().with("X-Debug", "kept");
        stage.onResponse(context, 200, answer);
        assertThat(answer.values("X-Debug")).containsExactly("kept");
        assertThat(answer.values("X-Env")).isEmpty();
    }

    @Test
    void aStageSaysWhichSidesItEdits() {
        HeaderRulesStage requestOnly = new HeaderRulesStage(
                new HeaderRuleSettings(Map.of(), List.of("X-Debug")), HeaderRuleSettings.NONE);
        assertThat(requestOnly.editsRequests()).isTrue();
        assertThat(requestOnly.editsResponses()).isFalse();
    }
}
