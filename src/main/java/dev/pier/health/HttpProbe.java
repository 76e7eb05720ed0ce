package dev.pier.health;

import static java.util.Objects.requireNonNull;

import dev.pier.backend.Backend;
import dev.pier.backend.Failures;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;

/** {@code GET path} on the backend; a 2xx or 3xx answer within the timeout is healthy. Thread-safe. */
final class HttpProbe implements Probe {

    private final HttpClient client;
    private final String path;
    private final Duration timeout;

    HttpProbe(HttpClient client, String path, Duration timeout) {
        this.client = requireNonNull(client, "client");
        this.path = requireNonNull(path, "path");
        this.timeout = requireNonNull(timeout, "timeout");
    }

    @Override
    public CompletableFuture<ProbeResult> probe(Backend backend) {
        CompletableFuture<ProbeResult> answer = new CompletableFuture<>();
        try {
            client.newRequest(backend.url() + path)
                    .method(HttpMethod.GET)
                    .headers(h -> h.put(HttpHeader.CONNECTION, "close").put(HttpHeader.USER_AGENT, "Pier-HealthCheck"))
                    .timeout(timeout.toMillis(), TimeUnit.MILLISECONDS)
                    .send(result -> {
                        if (result.isFailed()) {
                            answer.complete(ProbeResult.failed(result.getFailure(), timeout));
                        } else {
                            int status = result.getResponse().getStatus();
                            String reason = "HTTP " + status + " from " + path;
                            answer.complete(status >= 200 && status < 400
                                    ? ProbeResult.up(reason) : ProbeResult.down(reason));
                        }
                    });
        } catch (RuntimeException e) {
            answer.complete(ProbeResult.down(describe(e)));
        }
        return answer;
    }

    private String describe(Throwable failure) {
        return describeFailure(failure, timeout);
    }

    static String describeFailure(Throwable failure, Duration timeout) {
        return Failures.describe(failure, "timed out after " + timeout.toMillis() + " ms");
    }
}
