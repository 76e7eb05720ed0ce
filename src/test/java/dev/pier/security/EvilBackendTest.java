package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.security.RecordingBackend.Mode;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Backends that answer badly: a client gets 502 for an answer Pier cannot read (or a response visibly cut
 * short when it had already started), 504 for one that never comes, and no byte of a bad or late answer ever
 * reaches another client: after each, a normal request gets its own answer.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class EvilBackendTest {

    @RegisterExtension
    final RecordedPier fixture = RecordedPier.backends("evil").config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"], proxy { request-timeout = 1s } } ]
            """);

    private static String get(String target) {
        return "GET " + target + " HTTP/1.1\r\nHost: pier\r\n\r\n";
    }

    /** One request on its own connection, read as a response. */
    private RawResponse exchange(String target) {
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send(get(target));
            RawResponse response = client.readResponse();
            assertThat(response).as("Pier's response to GET %s", target).isNotNull();
            return response;
        }
    }

    /** After a bad answer, the next request on a new connection gets its own, whole. */
    private void assertNextRequestGetsItsOwnAnswer() {
        fixture.backend().mode(Mode.NORMAL);
        RawResponse next = exchange("/next");
        assertThat(next.status()).isEqualTo(200);
        assertThat(next.bodyText()).isEqualTo("evil GET /next");
    }

    /** Either 502 before anything was sent, or a started response whose body is visibly cut short. */
    private static void assertFailedVisibly(RawClient client, RawResponse response) {
        if (response.status() == 502) {
            return;
        }
        assertThat(response.complete()).as("a started response must end cut short, not look whole: %s", response)
                .isFalse();
        assertThat(client.closedByServer()).isTrue();
    }

    @Test
    void aHundredKilobyteResponseHeaderIs502() {
        fixture.backend().mode(Mode.HUGE_HEADER);

        RawResponse response = exchange("/huge");

        assertThat(response.status()).as("Pier's answer: %s", response).isEqualTo(502);
        assertThat(response.head()).doesNotContain("aaaaaaaaaa");
        assertNextRequestGetsItsOwnAnswer();
    }

    @Test
    void anAnswerPierCannotReadDoesNotNameJettysInternalsToTheClient() {
        fixture.backend().mode(Mode.HUGE_HEADER);

        RawResponse response = exchange("/huge");

        assertThat(response.bodyText()).doesNotContain("org.eclipse.jetty").doesNotContain("Exception");
    }

    @Test
    void conflictingResponseContentLengthsAre502() {
        fixture.backend().mode(Mode.CONFLICTING_LENGTHS);

        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send(get("/conflict"));
            RawResponse response = client.readResponse();
            assertThat(response).isNotNull();
            assertThat(response.status()).as("Pier's answer: %s", response).isEqualTo(502);
        }
        assertNextRequestGetsItsOwnAnswer();
    }

    @Test
    void aBadResponseChunkSizeIs502OrACutResponse() {
        fixture.backend().mode(Mode.BAD_CHUNK_SIZE);

        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send(get("/bad-chunk"));
            RawResponse response = client.readResponse();
            assertThat(response).isNotNull();
            assertFailedVisibly(client, response);
            assertThat(response.bodyText()).doesNotContain("hello");
        }
        assertNextRequestGetsItsOwnAnswer();
    }

    @Test
    void aTruncatedResponseIsCutShortForTheClientNeverCompleted() {
        fixture.backend().mode(Mode.TRUNCATED);

        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send(get("/truncated"));
            RawResponse response = client.readResponse();
            assertThat(response).isNotNull();
            assertFailedVisibly(client, response);
        }
        assertNextRequestGetsItsOwnAnswer();
    }

    @Test
    void aSilentBackendGets504AtTheRouteTimeout() {
        fixture.backend().mode(Mode.SILENT);

        RawResponse response = exchange("/silent");

        assertThat(response.status()).isEqualTo(504);
        // The exchange was abandoned: its backend connection is closed, not left to answer someone else.
        await().atMost(Duration.ofSeconds(10)).until(() -> fixture.backend().openRequestConnections() == 0);
        assertNextRequestGetsItsOwnAnswer();
    }

    @Test
    void anAnswerAfterTheTimeoutNeverReachesAnyClient() {
        fixture.backend().mode(Mode.LATE);
        fixture.backend().lateBy(Duration.ofMillis(2_500));

        try (RawClient first = RawClient.connect(fixture.pier().port())) {
            first.send(get("/late"));
            RawResponse timedOut = first.readResponse();
            assertThat(timedOut).isNotNull();
            assertThat(timedOut.status()).isEqualTo(504);
            fixture.backend().mode(Mode.NORMAL);
            await().atMost(Duration.ofSeconds(10)).until(() -> fixture.backend().lateWrites() == 1);

            // The late bytes have been written by now; neither this client nor a new one may read them.
            RawResponse again = null;
            if (!first.closedByServer() && first.trySend(get("/again"))) {
                again = first.readResponse();
            }
            if (again != null) {
                assertThat(again.bodyText()).isEqualTo("evil GET /again");
            }
            try (RawClient second = RawClient.connect(fixture.pier().port())) {
                second.send(get("/second"));
                RawResponse answer = second.readResponse();
                assertThat(answer).isNotNull();
                assertThat(answer.status()).isEqualTo(200);
                assertThat(answer.bodyText()).isEqualTo("evil GET /second");
            }
        }
        assertThat(fixture.backend().connections()).filteredOn(c -> c.text().contains("GET /late "))
                .allMatch(RecordingBackend.Connection::closed, "closed by Pier");
    }
}
