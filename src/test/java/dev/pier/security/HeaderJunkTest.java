package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import static dev.pier.security.Framing.Attack.refused;
import static dev.pier.security.Framing.Attack.refusedWith;

import dev.pier.security.Framing.Attack;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Malformed request lines and header fields, the raw material of header smuggling: each is refused with 400 (505
 * for a version Pier does not speak) and its connection closed, and the request pipelined behind it never
 * reaches a backend.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class HeaderJunkTest {

    @RegisterExtension
    static final RecordedPier fixture = RecordedPier.backends("backend").withCanary().config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"] } ]
            """);

    /** A GET of {@code /junk} with {@code headers} (each line with its CRLF). */
    static String get(String headers) {
        return "GET /junk HTTP/1.1\r\nHost: " + fixture.canary().authority() + "\r\n" + headers + "\r\n";
    }

    static String requestLine(String line) {
        return line + "\r\nHost: " + fixture.canary().authority() + "\r\n\r\n";
    }

    static Stream<Attack> attacks() {
        return Stream.of(
                refused("an obs-fold continuation line", get("X-Folded: a\r\n b\r\n")),
                refused("an obs-fold that would hide Transfer-Encoding",
                        "POST /junk HTTP/1.1\r\nHost: " + fixture.canary().authority()
                                + "\r\nContent-Length: 5\r\nX-Folded: a\r\n Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n"),
                refused("a header line starting with a tab", get("X-A: a\r\n\tX-B: b\r\n")),
                refused("a bare CR in a value", get("X-A: a\rb\r\n")),
                refused("a bare CR ending a header line", get("X-A: a\rX-B: b\r\n")),
                refused("a bare LF inside a value", get("X-A: a\nX-B: b\r\n")),
                refused("a NUL in a value", get("X-A: a\0b\r\n")),
                refused("a space before the colon", get("X-A : b\r\n")),
                refused("a space before the colon of Transfer-Encoding",
                        "POST /junk HTTP/1.1\r\nHost: " + fixture.canary().authority()
                                + "\r\nContent-Length: 5\r\nTransfer-Encoding : chunked\r\n\r\n0\r\n\r\n"),
                refused("a tab before the colon", get("X-A\t: b\r\n")),
                refused("a space inside a header name", get("X A: b\r\n")),
                refused("non-token characters in a header name", get("X<A>: b\r\n")),
                refused("parentheses in a header name", get("X(A): b\r\n")),
                refused("a header line without a colon", get("X-A b\r\n")),
                refused("an empty header name", get(": b\r\n")),
                refused("a NUL in a header name", get("X-\0A: b\r\n")),
                // Not here: a lower-case 'http/1.1', which Jetty's parser reads as HTTP/1.1 (see below).
                refusedWith("version 'HTTP/1.2'", requestLine("GET /junk HTTP/1.2"), 400, 505),
                // Jetty reads it as an HTTP/2 preface gone wrong: 426 Upgrade Required, a refusal as good as 400.
                refusedWith("version 'HTTP/2.0' in an HTTP/1 request line", requestLine("GET /junk HTTP/2.0"),
                        400, 426, 505),
                refusedWith("version 'HTTP/1.1x'", requestLine("GET /junk HTTP/1.1x"), 400, 505),
                refusedWith("version 'HTTP/11'", requestLine("GET /junk HTTP/11"), 400, 505),
                // A request line without a version is HTTP/0.9, which Jetty refuses with 505.
                refusedWith("no version (HTTP/0.9)", "GET /junk\r\n", 400, 505),
                refused("a space inside the target", requestLine("GET /a b HTTP/1.1")),
                refusedWith("a CRLF inside the target", requestLine("GET /a\r\nX-Injected: 1 HTTP/1.1"), 400, 505),
                refused("a bare CR inside the target", requestLine("GET /a\rb HTTP/1.1")),
                refusedWith("a bare LF inside the target", requestLine("GET /a\nb HTTP/1.1"), 400, 505),
                refused("a tab inside the target", requestLine("GET /a\tb HTTP/1.1")),
                refused("a NUL inside the target", requestLine("GET /a\0b HTTP/1.1")),
                refused("a request line ended by a bare LF then a header", "GET /junk HTTP/1.1\nX-A: b\r\nHost: "
                        + fixture.canary().authority() + "\r\n\r\n"),
                refused("no Host header in HTTP/1.1", "GET /junk HTTP/1.1\r\n\r\n"),
                refused("two Host headers", get("Host: other.example\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void malformedRequestLinesAndHeadersAreRefusedAndTheRequestBehindThemNeverReachesABackend(Attack attack) {
        Framing.assertRefused(fixture, attack);
    }

    /**
     * A known leniency: Jetty's parser reads a lower-case {@code http/1.1} as HTTP/1.1 and no compliance mode
     * changes that. It cannot smuggle anything past Pier, which parses it once and rebuilds the request line:
     * the backend receives a well-formed {@code HTTP/1.1} request, and the request behind it is an ordinary
     * pipelined one.
     */
    @Test
    void aLowerCaseVersionIsReadAsHttp11AndGoesOnWellFormed() {
        int before = fixture.backend().requests().size();
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send("GET /lower http/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
            assertThat(client.readUntilClose(java.time.Duration.ofSeconds(10))).startsWith("HTTP/1.1 200");
        }
        assertThat(fixture.backend().requests().subList(before, fixture.backend().requests().size()))
                .extracting(RecordingBackend.Received::target).containsExactly("/lower");
        assertThat(fixture.backend().anyConnectionCarried("GET /lower HTTP/1.1\r\n")).isTrue();
    }
}
