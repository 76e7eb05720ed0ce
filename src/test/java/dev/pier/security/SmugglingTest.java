package dev.pier.security;

import static dev.pier.security.Framing.Attack.refused;
import static dev.pier.security.Framing.Attack.refusedInBody;
import static dev.pier.security.Framing.Attack.refusedWith;

import dev.pier.security.Framing.Attack;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Request smuggling: a request whose body framing two parsers could read differently is refused with 400 and its
 * connection closed, so that the request pipelined behind it never reaches a backend, whether read as the next
 * request or as part of a body.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class SmugglingTest {

    @RegisterExtension
    static final RecordedPier fixture = RecordedPier.backends("backend").withCanary().config("""
            health-check { interval = 1h }
            routes = [ { prefix = "/", backends = ["%s"] } ]
            """);

    static String post(String headers, String body) {
        return "POST /upload HTTP/1.1\r\nHost: " + fixture.canary().authority() + "\r\n" + headers + "\r\n" + body;
    }

    static String chunked(String body) {
        return post("Transfer-Encoding: chunked\r\n", body);
    }

    static Stream<Attack> attacks() {
        return Stream.of(
                refused("CL.TE: Content-Length and Transfer-Encoding",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")),
                refused("TE.CL: Transfer-Encoding and then Content-Length",
                        post("Transfer-Encoding: chunked\r\nContent-Length: 3\r\n", "0\r\n\r\n")),
                refused("CL.TE with the smuggled request inside the Content-Length body",
                        post("Content-Length: " + (5 + Framing.SMUGGLED_LENGTH)
                                + "\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")),
                refused("two Content-Length headers of the same value",
                        post("Content-Length: 5\r\nContent-Length: 5\r\n", "hello")),
                refused("two Content-Length headers of different values",
                        post("Content-Length: 5\r\nContent-Length: 0\r\n", "hello")),
                refused("a Content-Length list '5, 5'", post("Content-Length: 5, 5\r\n", "hello")),
                refused("Content-Length '+5'", post("Content-Length: +5\r\n", "hello")),
                refused("Content-Length '5 5'", post("Content-Length: 5 5\r\n", "hello")),
                refused("Content-Length '0x5'", post("Content-Length: 0x5\r\n", "hello")),
                refused("Content-Length '-5'", post("Content-Length: -5\r\n", "hello")),
                refused("Content-Length overflowing a long",
                        post("Content-Length: 18446744073709551621\r\n", "hello")),
                refusedWith("Transfer-Encoding 'chunked, identity' with a Content-Length",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked, identity\r\n", "0\r\n\r\n"), 400, 501),
                refusedWith("Transfer-Encoding 'chunked, identity'",
                        post("Transfer-Encoding: chunked, identity\r\n", "0\r\n\r\n"), 400, 501),
                refusedWith("Transfer-Encoding ' chunked' (leading space) with a Content-Length",
                        post("Content-Length: 5\r\nTransfer-Encoding:  chunked\r\n", "0\r\n\r\n"), 400, 501),
                refusedWith("Transfer-Encoding 'xchunked' with a Content-Length",
                        post("Content-Length: 5\r\nTransfer-Encoding: xchunked\r\n", "0\r\n\r\n"), 400, 501),
                refusedWith("Transfer-Encoding 'xchunked'",
                        post("Transfer-Encoding: xchunked\r\n", "0\r\n\r\n"), 400, 501),
                refused("Transfer-Encoding: chunked twice",
                        post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n")),
                refused("Transfer-Encoding 'chunked, chunked'",
                        post("Transfer-Encoding: chunked, chunked\r\n", "0\r\n\r\n")),
                refusedWith("Transfer-Encoding '\\tchunked' with a Content-Length",
                        post("Content-Length: 5\r\nTransfer-Encoding:\tchunked\r\n", "0\r\n\r\n"), 400, 501),
                refusedWith("Transfer-Encoding 'chunked' with a trailing tab and a Content-Length",
                        post("Content-Length: 5\r\nTransfer-Encoding: chunked\t\r\n", "0\r\n\r\n"), 400, 501),
                new Attack("HTTP/1.0 with Transfer-Encoding: chunked",
                        "POST /upload HTTP/1.0\r\nHost: " + fixture.canary().authority()
                                + "\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        Set.of(400), true),
                new Attack("HTTP/1.0 keep-alive with Transfer-Encoding: chunked",
                        "POST /upload HTTP/1.0\r\nHost: " + fixture.canary().authority()
                                + "\r\nConnection: keep-alive\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
                        Set.of(400), true),
                refusedInBody("a chunk size with an extension and a bare LF '5;x\\n'",
                        chunked("5;x\nhello\r\n0\r\n\r\n")),
                refusedInBody("a chunk size ended by a bare LF '5\\n'", chunked("5\nhello\r\n0\r\n\r\n")),
                refusedInBody("chunk data ended by a bare LF", chunked("5\r\nhello\n0\r\n\r\n")),
                refusedInBody("a chunk size '0x5'", chunked("0x5\r\nhello\r\n0\r\n\r\n")),
                refusedInBody("a chunk size '-1'", chunked("-1\r\nhello\r\n0\r\n\r\n")),
                refusedInBody("a chunk size of 17 hex digits that wraps to 5",
                        chunked("10000000000000005\r\nhello\r\n0\r\n\r\n")),
                refusedInBody("a chunk size of 16 hex digits 'ffffffffffffffff'",
                        chunked("ffffffffffffffff\r\nhello\r\n0\r\n\r\n")),
                refusedInBody("chunk data longer than its size", chunked("3\r\nhello\r\n0\r\n\r\n")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("attacks")
    void ambiguousFramingIsRefusedAndTheRequestBehindItNeverReachesABackend(Attack attack) {
        Framing.assertRefused(fixture, attack);
    }
}
