package dev.pier.pipeline;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdStageTest {

    private final RequestIdStage trusting = new RequestIdStage(true);

    private String idOf(RequestIdStage stage, FakeRequest request) {
        RequestContext context = request.context();
        assertThat(stage.onRequest(context)).isNull();
        return context.requestId();
    }

    @Test
    void aWellFormedIncomingIdIsKept() {
        assertThat(idOf(trusting, FakeRequest.from("10.0.0.1").header("X-Request-Id", "abc-DEF_1.2:3")))
                .isEqualTo("abc-DEF_1.2:3");
        String longest = "a".repeat(200);
        assertThat(idOf(trusting, FakeRequest.from("10.0.0.1").header("x-request-id", longest))).isEqualTo(longest);
    }

    @Test
    void anIncomingIdThatIsEmptyTooLongOrOfOtherCharactersIsReplaced() {
        for (String bad : new String[] {"", "a".repeat(201), "a b", "a/b", "a\u00e9", "a,b", "<script>"}) {
            String id = idOf(trusting, FakeRequest.from("10.0.0.1").header("X-Request-Id", bad));
            assertThat(id).as(bad).isNotEqualTo(bad).matches("[0-9a-f]{32}");
        }
    }

    @Test
    void anIncomingIdIsReplacedWhenNotTrusted() {
        String id = idOf(new RequestIdStage(false), FakeRequest.from("10.0.0.1").header("X-Request-Id", "abc"));
        assertThat(id).matches("[0-9a-f]{32}");
    }

    @Test
    void newIdsAre128RandomBitsInLowerCaseHex() {
        Set<String> ids = new HashSet<>();
        for (int i = 0; i < 1000; i++) {
            String id = idOf(trusting, FakeRequest.from("10.0.0.1"));
            assertThat(id).matches("[0-9a-f]{32}");
            ids.add(id);
        }
        assertThat(ids).hasSize(1000);
    }

    @Test
    void theIdGoesToTheBackendTheSameOnEveryTryReplacingTheClientsOwn() {
        RequestContext context = FakeRequest.from("10.0.0.1").header("X-Request-Id", "bad id").context();
        trusting.onRequest(context);
        FakeHeaders first = new FakeHeaders().with("X-Request-Id", "bad id");
        FakeHeaders second = new FakeHeaders().with("X-Request-Id", "bad id");
        trusting.onForward(context, first);
        trusting.onForward(context, second);
        assertThat(first.values("X-Request-Id")).containsExactly(context.requestId());
        assertThat(second.values("X-Request-Id")).containsExactly(context.requestId());
    }

    @Test
    void theIdGoesBackOnEveryAnswer() {
        RequestContext context = FakeRequest.from("10.0.0.1").header("X-Request-Id", "req-7").context();
        trusting.onRequest(context);
        for (int status : new int[] {200, 404, 503}) {
            FakeHeaders answer = new FakeHeaders().with("x-request-id", "from-the-backend");
            trusting.onResponse(context, status, answer);
            assertThat(answer.values("X-Request-Id")).containsExactly("req-7");
        }
    }
}
