package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Sends a malformed or ambiguous request with a pipelined {@code GET /smuggled} behind it on the same connection,
 * then checks that Pier refused it, closed the connection, and that nothing of it, the smuggled request above
 * all, reached a backend. Stateless apart from a counter that names the marker requests.
 */
final class Framing {

    /** The request that must never reach a backend; {@code %d} numbers it, so that each case looks for its own. */
    private static final String SMUGGLED = "GET /smuggled/%d HTTP/1.1\r\nHost: smuggled.example\r\n\r\n";
    /** The length of the smuggled request, for attacks that hide it inside a body of that length. */
    static final int SMUGGLED_LENGTH = smuggled(1000).length();

    private static final Pattern STATUS_LINE = Pattern.compile("(?m)^HTTP/1\\.[01] (\\d{3}) ");
    private static final AtomicInteger cases = new AtomicInteger(999);

    private Framing() {
    }

    /**
     * One attack case: the bytes before the smuggled request and the statuses Pier may answer it with.
     *
     * @param answerAllowed whether Pier may also proxy the request itself (and then close), instead of refusing it
     * @param inBody whether the fault lies in the body, which streams: the head may have reached the backend,
     *               but never the whole request, and that backend connection must be closed
     */
    record Attack(String description, String bytes, Set<Integer> statuses, boolean answerAllowed, boolean inBody) {

        Attack(String description, String bytes, Set<Integer> statuses, boolean answerAllowed) {
            this(description, bytes, statuses, answerAllowed, false);
        }

        static Attack refused(String description, String bytes) {
            return new Attack(description, bytes, Set.of(400), false);
        }

        static Attack refusedInBody(String description, String bytes) {
            return new Attack(description, bytes, Set.of(400), false, true);
        }

        static Attack refusedWith(String description, String bytes, Integer... statuses) {
            return new Attack(description, bytes, Set.of(statuses), false);
        }

        @Override
        public String toString() {
            return description;
        }
    }

    /**
     * Runs {@code attack} against the fixture's Pier, whose every route goes to its one backend, and asserts the
     * outcome, the fixture's canary untouched included.
     */
    static void assertRefused(RecordedPier fixture, Attack attack) {
        try {
            check(fixture.pier(), fixture.backend(), fixture.canary(), attack);
        } catch (AssertionError e) {
            throw new AssertionError("[" + attack + "] " + e.getMessage(), e);
        }
    }

    private static void check(PierHarness pier, RecordingBackend backend, Canary canary, Attack attack) {
        int before = backend.requests().size();
        int number = cases.incrementAndGet();
        String answer;
        try (RawClient client = RawClient.connect(pier.port())) {
            client.send(attack.bytes() + smuggled(number));
            answer = client.readUntilClose(Duration.ofSeconds(10));
        }
        // A marker on a new connection: once it has arrived, a smuggled request forwarded before the close has too.
        String marker = "/marker/" + number;
        assertThat(pier.get(marker).getStatus()).as("a normal request after the attack").isEqualTo(200);
        assertThat(backend.targets()).contains(marker);

        assertThat(backend.anyConnectionCarried("/smuggled/" + number + " "))
                .as("the smuggled request reached the backend:%n%s", backend.transcript()).isFalse();
        Matcher statuses = STATUS_LINE.matcher(answer);
        assertThat(statuses.find()).as("Pier's answer to %s: %s", attack, escape(answer)).isTrue();
        int status = Integer.parseInt(statuses.group(1));
        assertThat(statuses.find()).as("a second response on the connection: %s", escape(answer)).isFalse();
        if (attack.answerAllowed() && !attack.statuses().contains(status)) {
            // Proxied, then closed: that is allowed; the connection was read to its close above.
            assertThat(status).as("Pier's answer: %s", escape(answer)).isLessThan(500);
        } else {
            assertThat(status).as("Pier's answer: %s", escape(answer)).isIn(attack.statuses());
            var reached = backend.requests().subList(before, backend.requests().size());
            if (attack.inBody()) {
                // The head streamed ahead of the bad body: the backend must never have the request whole, and
                // Pier must close that connection rather than reuse it.
                assertThat(reached).as("requests that reached the backend whole")
                        .filteredOn(r -> !r.target().equals(marker))
                        .allSatisfy(r -> assertThat(r.complete()).as(r.target()).isNotEqualTo(Boolean.TRUE));
                org.awaitility.Awaitility.await().atMost(Duration.ofSeconds(10)).untilAsserted(() ->
                        assertThat(backend.openConnectionsCarrying("/upload")).as("open connections of the fragment")
                                .isZero());
            } else {
                assertThat(reached).as("requests that reached the backend").extracting(RecordingBackend.Received::target)
                        .containsExactly(marker);
            }
        }
        assertThat(canary.accepted()).as("connections to the canary").isZero();
    }

    private static String smuggled(int number) {
        return SMUGGLED.formatted(number);
    }

    static String escape(String text) {
        return text.replace("\r", "\\r").replace("\n", "\\n").replace("\0", "\\0");
    }
}
