package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.backend.Backend;
import dev.pier.backend.BackendStatus;
import dev.pier.backend.Health;
import dev.pier.routing.Route;
import dev.pier.security.RecordingBackend.Received;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Issue 13, point 1: faults of the client are not failures of a backend. With passive health on (3 failures in a
 * row), 2 retries and 3 backends, batches of broken clients (malformed chunked bodies, uploads abandoned
 * mid-body, clients that never read a large response) leave every backend up, are never retried on another
 * backend, and never hand a backend a fragment that looks like a whole request. Each batch runs to its end and
 * then reports every broken expectation at once.
 */
@Timeout(value = 90, unit = TimeUnit.SECONDS)
class ClientFaultTest {

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("a", "b", "c").config("""
            health-check { interval = 1h }
            server { limits { write-idle-timeout = 2s } }
            route-defaults { retries = 2, passive-health { consecutive-failures = 3 } }
            routes = [ { prefix = "/", backends = ["%s", "%s", "%s"] } ]
            """);

    private List<Received> requests() {
        List<Received> all = new ArrayList<>();
        fixture.backends().forEach(backend -> all.addAll(backend.requests()));
        return all;
    }

    private int openConnectionsCarrying(String text) {
        return fixture.backends().stream().mapToInt(backend -> backend.openConnectionsCarrying(text)).sum();
    }

    private List<Health> health() {
        return fixture.pier().route("/").pool().snapshot().statuses().stream().map(BackendStatus::health).toList();
    }

    /** After a batch: every backend up, nothing retried or in flight, and normal requests served. */
    private void checkBackendsUnharmed(SoftAssertions softly) {
        Route route = fixture.pier().route("/");
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(route.pool().backends())
                .extracting(Backend::inFlight).as("in-flight requests").containsOnly(0));
        softly.assertThat(route.pool().snapshot().statuses()).as("health after the batch")
                .extracting(BackendStatus::health).containsOnly(Health.UP);
        softly.assertThat(route.retried()).as("tries beyond the first").isZero();
        for (int i = 0; i < 3; i++) {
            softly.assertThat(fixture.pier().get("/normal/" + i).getStatus()).as("a normal request after the batch")
                    .isEqualTo(200);
        }
    }

    @Test
    void malformedChunkedBodiesGet400AndNoBackendEverReceivesThemWhole() {
        List<String> answers = new ArrayList<>();
        List<Boolean> closed = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            try (RawClient client = RawClient.connect(fixture.pier().port())) {
                client.send("POST /upload/" + i + " HTTP/1.1\r\nHost: pier\r\nTransfer-Encoding: chunked\r\n\r\n"
                        + "5\r\nhello\r\nzz\r\nworld\r\n0\r\n\r\n");
                RawResponse response = client.readResponse();
                answers.add(response == null ? "closed without an answer" : Integer.toString(response.status()));
                closed.add(client.awaitClosed(Duration.ofSeconds(10)));
            }
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> openConnectionsCarrying("POST /upload/") == 0);
        List<Received> uploads = requests().stream().filter(r -> r.target().startsWith("/upload/")).toList();
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(answers).as("Pier's answers").containsOnly("400");
        softly.assertThat(closed).as("connections closed after the answer").containsOnly(true);
        softly.assertThat(uploads).as("uploads at the backends, each at most once").hasSizeLessThanOrEqualTo(20)
                .extracting(Received::target).doesNotHaveDuplicates();
        softly.assertThat(uploads).as("uploads that reached a backend, none of them whole")
                .allMatch(r -> Boolean.FALSE.equals(r.complete()));
        checkBackendsUnharmed(softly);
        softly.assertAll();
    }

    @Test
    void uploadsAbandonedMidBodyLeaveEveryBackendUpAndAreNeverRetried() {
        List<String> unheard = new ArrayList<>();
        for (int i = 0; i < 20; i++) {
            int expected = i + 1;
            RawClient client = RawClient.connect(fixture.pier().port());
            try {
                client.send("POST /upload/" + i + " HTTP/1.1\r\nHost: pier\r\nContent-Type: application/octet-stream"
                        + "\r\nContent-Length: 100000\r\n\r\n" + "x".repeat(1000));
                try {
                    await().atMost(Duration.ofSeconds(10)).until(() -> requests().size() >= expected);
                } catch (org.awaitility.core.ConditionTimeoutException e) {
                    RawResponse answer = client.readResponse(Duration.ofSeconds(2), false);
                    unheard.add("upload " + i + " reached no backend; Pier answered " + answer + "; health " + health());
                    break;
                }
            } finally {
                client.abort();
            }
        }

        await().atMost(Duration.ofSeconds(20)).until(() -> openConnectionsCarrying("POST /upload/") == 0);
        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(unheard).as("uploads that never reached a backend").isEmpty();
        softly.assertThat(requests()).as("uploads at the backends").hasSize(20)
                .allMatch(r -> Boolean.FALSE.equals(r.complete()), "cut short");
        checkBackendsUnharmed(softly);
        softly.assertAll();
    }

    @Test
    void clientsThatNeverReadALargeResponseLeaveEveryBackendUp() {
        List<RawClient> stalled = new ArrayList<>();
        try {
            for (int i = 0; i < 9; i++) {
                RawClient client = RawClient.connect(fixture.pier().port(), 4096);
                stalled.add(client);
                client.send("GET /big/" + 8 * 1024 * 1024 + "?client=" + i + " HTTP/1.1\r\nHost: pier\r\n\r\n");
            }
            await().atMost(Duration.ofSeconds(10)).until(() -> requests().size() == 9);
            // Dropped by the idle timeout: the exchanges end, their backend connections close.
            await().atMost(Duration.ofSeconds(30)).until(() -> openConnectionsCarrying("GET /big/") == 0);
        } finally {
            stalled.forEach(RawClient::close);
        }

        SoftAssertions softly = new SoftAssertions();
        softly.assertThat(requests()).as("downloads at the backends, none retried").hasSize(9);
        checkBackendsUnharmed(softly);
        softly.assertAll();
    }
}
