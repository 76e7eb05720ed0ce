package dev.pier.security;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Path forms that could carry a request past its route's prefix: dot segments plain and encoded, encoded
 * separators, {@code ;} parameters, empty segments, NUL. What a backend receives is exactly the normalised path
 * that its route matched; a path that escapes the root, or hides a dot segment or a NUL in percent-encoding, gets
 * 400. Routes: {@code /public} and {@code /admin} on backends of their own, {@code /strip} (strip-prefix) on the
 * public one.
 */
@Timeout(value = 30, unit = TimeUnit.SECONDS)
class PathFormsTest {

    @RegisterExtension
    static final RecordedPier fixture = RecordedPier.backends("public", "admin").config("""
            health-check { interval = 1h }
            routes = [
              { prefix = "/public", backends = ["%1$s"] }
              { prefix = "/strip", strip-prefix = true, backends = ["%1$s"] }
              { prefix = "/admin", backends = ["%2$s"] }
            ]
            """);

    /** Where a request ended: Pier's status, and the backend and path that received it, if one did. */
    record Outcome(int status, @Nullable String backend, @Nullable String path) {

        static Outcome at(String backend, String path) {
            return new Outcome(200, backend, path);
        }

        static Outcome refused(int status) {
            return new Outcome(status, null, null);
        }

        @Override
        public String toString() {
            return backend == null ? Integer.toString(status) : status + " from " + backend + " for " + path;
        }
    }

    /** A request target and every outcome that is acceptable for it. */
    record Case(String target, Set<Outcome> allowed) {

        static Case of(String target, Outcome... allowed) {
            return new Case(target, Set.of(allowed));
        }

        @Override
        public String toString() {
            return target + " -> " + allowed;
        }
    }

    static Stream<Case> cases() {
        Outcome badRequest = Outcome.refused(400);
        Outcome notFound = Outcome.refused(404);
        return Stream.of(
                Case.of("/public/a/../b", Outcome.at("public", "/public/b")),
                Case.of("/public/./b", Outcome.at("public", "/public/b")),
                Case.of("/public/a/..", Outcome.at("public", "/public/")),
                Case.of("/public/../public/x", Outcome.at("public", "/public/x")),
                Case.of("/public/../admin", Outcome.at("admin", "/admin")),
                Case.of("/public/../admin/x?q=1", Outcome.at("admin", "/admin/x?q=1")),
                Case.of("/public/..", notFound),
                Case.of("/..", badRequest),
                Case.of("/../admin", badRequest),
                Case.of("/public/../../admin", badRequest),
                Case.of("/public/%2e%2e/admin", badRequest),
                Case.of("/public/%2E%2E/admin", badRequest),
                Case.of("/public/.%2e/admin", badRequest),
                Case.of("/public/%2e/b", badRequest),
                Case.of("/public/..%2fadmin", badRequest),
                Case.of("/public/..%2Fadmin", badRequest),
                Case.of("/public%2f..%2fadmin", badRequest, notFound),
                Case.of("/public/a%2fb", badRequest, Outcome.at("public", "/public/a%2fb")),
                Case.of("/public/..;/admin", badRequest, Outcome.at("admin", "/admin")),
                Case.of("/public;x=1/../admin", badRequest, Outcome.at("admin", "/admin")),
                Case.of("/public/b;x=1", badRequest, Outcome.at("public", "/public/b;x=1")),
                Case.of("/public/..;x=1/admin", badRequest, Outcome.at("admin", "/admin")),
                Case.of("//admin", badRequest, notFound, Outcome.at("admin", "/admin")),
                Case.of("/public//../admin", badRequest, Outcome.at("public", "/public/admin"),
                        Outcome.at("admin", "/admin")),
                Case.of("/public/%00", badRequest),
                Case.of("/public/a%00b", badRequest),
                Case.of("/public/a%00/../../admin", badRequest),
                Case.of("/public\\..\\admin", badRequest),
                Case.of("/strip/x/../y", Outcome.at("public", "/y")),
                Case.of("/strip/../admin", Outcome.at("admin", "/admin")),
                Case.of("/strip/%2e%2e/admin", badRequest),
                Case.of("/strip/..%2f..%2fadmin", badRequest));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void aBackendReceivesExactlyTheNormalisedPathItsRouteMatched(Case c) {
        Outcome outcome = send(c.target());

        assertThat(outcome).as("outcome of GET %s", c.target()).isIn(c.allowed());
    }

    @Test
    void aRouteByPrefixIsNotEscapedToAPathWithoutARoute(@TempDir Path own) {
        try (RecordingBackend onlyPublic = RecordingBackend.start("only-public");
             PierHarness alone = PierHarness.start(own, """
                     health-check { interval = 1h }
                     routes = [ { prefix = "/public", backends = ["%s"] } ]
                     """.formatted(onlyPublic.url()))) {
            alone.awaitReady();
            for (String target : List.of("/public/../admin", "/public/./../admin/x", "/public/a/../../admin")) {
                try (RawClient client = RawClient.connect(alone.port())) {
                    client.send("GET " + target + " HTTP/1.1\r\nHost: pier\r\nConnection: close\r\n\r\n");
                    RawResponse response = client.readResponse();
                    assertThat(response).isNotNull();
                    assertThat(response.status()).as("GET %s", target).isEqualTo(404);
                }
            }
            assertThat(onlyPublic.requests()).isEmpty();
        }
    }

    private static Outcome send(String target) {
        RecordingBackend publicBackend = fixture.backend("public");
        RecordingBackend adminBackend = fixture.backend("admin");
        int publicBefore = publicBackend.requests().size();
        int adminBefore = adminBackend.requests().size();
        RawResponse response;
        try (RawClient client = RawClient.connect(fixture.pier().port())) {
            client.send("GET " + target + " HTTP/1.1\r\nHost: pier\r\nConnection: close\r\n\r\n");
            response = client.readResponse();
        }
        assertThat(response).as("Pier's response to GET %s", target).isNotNull();
        List<Outcome> reached = new ArrayList<>();
        for (RecordingBackend backend : List.of(publicBackend, adminBackend)) {
            List<RecordingBackend.Received> all = backend.requests();
            for (RecordingBackend.Received received : all.subList(
                    backend == publicBackend ? publicBefore : adminBefore, all.size())) {
                reached.add(new Outcome(response.status(), backend.name(), received.target()));
            }
        }
        assertThat(reached).as("backends reached by GET %s", target).hasSizeLessThanOrEqualTo(1);
        if (reached.isEmpty()) {
            return Outcome.refused(response.status());
        }
        return reached.get(0);
    }
}
