package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.StringRequestContent;
import org.eclipse.jetty.http.HttpMethod;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** A route's body limit, the backend's queue limit, and forwarded headers a client names in Connection. */
@Timeout(60)
class RequestLimitsTest {

    @TempDir
    Path dir;
    private final TestBackend backend = TestBackend.start("a");
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        backend.close();
    }

    private void start(String extra) {
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                %s
                routes = [ { prefix = "/", max-body-size = 1KiB, backends = ["%s"] } ]
                """.formatted(extra, backend.url()));
        pier.awaitReady();
    }

    @Test
    void aDeclaredBodyOverTheLimitGets413AndNeverReachesTheBackend() {
        start("");
        String answer = pier.raw("POST /echo HTTP/1.1\r\nHost: x\r\nContent-Length: 2000\r\n\r\n" + "x".repeat(2000));
        assertThat(answer).startsWith("HTTP/1.1 413").contains("Connection: close");
        assertThat(backend.requests()).isZero();
    }

    @Test
    void aChunkedBodyGrowingPastTheLimitIsCutOffWith413() {
        start("");
        String chunk = Integer.toHexString(600) + "\r\n" + "y".repeat(600) + "\r\n";
        String answer = pier.raw("POST /echo HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk + chunk + chunk + "0\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 413");
        assertThat(answer).doesNotContain("length=1800");
    }

    @Test
    void aBodyWithinTheLimitPasses() throws Exception {
        start("");
        ContentResponse response = pier.request("/echo").method(HttpMethod.POST)
                .body(new StringRequestContent("z".repeat(1000))).send();
        assertThat(response.getStatus()).isEqualTo(200);
        assertThat(response.getContentAsString()).contains("length=1000");
    }

    @Test
    void aFullBackendQueueAnswers503WithRetryAfter() {
        start("proxy { max-connections-per-backend = 1, max-queued-per-backend = 1 }");
        List<CompletableFuture<org.eclipse.jetty.client.Result>> answers = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            CompletableFuture<org.eclipse.jetty.client.Result> answer = new CompletableFuture<>();
            pier.request("/").headers(h -> h.put("X-Test-Delay", "1000"))
                    .send(new org.eclipse.jetty.client.BufferingResponseListener() {
                        @Override
                        public void onComplete(org.eclipse.jetty.client.Result result) {
                            answer.complete(result);
                        }
                    });
            answers.add(answer);
        }
        List<org.eclipse.jetty.client.Response> responses = answers.stream().map(CompletableFuture::join)
                .map(org.eclipse.jetty.client.Result::getResponse).toList();
        assertThat(responses).extracting(org.eclipse.jetty.client.Response::getStatus).contains(200, 503);
        assertThat(responses).filteredOn(r -> r.getStatus() == 503)
                .allSatisfy(r -> assertThat(r.getHeaders().get("Retry-After")).isEqualTo("1"));
        var pool = pier.route("/").pool();
        assertThat(pool.health(pool.backends().get(0))).isEqualTo(dev.pier.backend.Health.UP);
    }

    @Test
    void aForwardedHeaderTheClientNamesInConnectionIsReplacedNotExtended() {
        start("");
        String answer = pier.raw("GET /echo HTTP/1.1\r\nHost: x\r\nConnection: close, X-Forwarded-For\r\n"
                + "X-Forwarded-For: 6.6.6.6\r\n\r\n");
        assertThat(answer).contains("header.x-forwarded-for=127.0.0.1\n").doesNotContain("6.6.6.6");
    }
}
