package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Routing through real Pier to real backends: round robin, prefixes, strip, 404. */
class ProxyRoutingTest {

    @TempDir
    Path dir;

    TestBackend a;
    TestBackend b;
    TestBackend c;
    TestBackend users;
    TestBackend orders;
    PierHarness pier;

    @BeforeEach
    void start() {
        a = TestBackend.start("a");
        b = TestBackend.start("b");
        c = TestBackend.start("c");
        users = TestBackend.start("users");
        orders = TestBackend.start("orders");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                routes = [
                  { prefix = "/", backends = ["%s", "%s", "%s"] }
                  { prefix = "/api/users", backends = ["%s"] }
                  { prefix = "/api/users/admin", backends = ["%s"] }
                  { prefix = "/svc", strip-prefix = true, backends = ["%s"] }
                ]
                """.formatted(a.url(), b.url(), c.url(), users.url(), orders.url(), orders.url()));
    }

    @AfterEach
    void stop() {
        pier.close();
        Stream.of(a, b, c, users, orders).forEach(TestBackend::close);
    }

    private String backendOf(String path) {
        ContentResponse response = pier.get(path);
        assertThat(response.getStatus()).as("status of %s", path).isEqualTo(200);
        return response.getHeaders().get("X-Backend");
    }

    @Test
    void roundRobinVisitsEachBackendInConfiguredOrder() {
        List<String> seen = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            seen.add(backendOf("/anything"));
        }
        assertThat(seen).containsExactly("a", "b", "c", "a", "b", "c", "a");
    }

    @Test
    void longestPrefixWinsOnSegmentBoundaries() {
        assertThat(backendOf("/api/users")).isEqualTo("users");
        assertThat(backendOf("/api/users/42")).isEqualTo("users");
        assertThat(backendOf("/api/users/admin/7")).isEqualTo("orders");
        assertThat(backendOf("/api/users/administrator")).isEqualTo("users");
        // Not on a segment boundary: falls through to "/".
        assertThat(backendOf("/api/usersX")).isIn("a", "b", "c");
        assertThat(users.paths()).containsExactly("/api/users", "/api/users/42", "/api/users/administrator");
    }

    @Test
    void stripPrefixRemovesThePrefixAndKeepsTheQuery() {
        assertThat(backendOf("/svc/a?q=1")).isEqualTo("orders");
        assertThat(backendOf("/svc")).isEqualTo("orders");
        assertThat(backendOf("/svc/")).isEqualTo("orders");
        assertThat(orders.paths()).containsExactly("/a?q=1", "/", "/");
    }

    @Test
    void dotSegmentsAreResolvedBeforeRouting() {
        assertThat(backendOf("/svc/../api/users/1")).isEqualTo("users");
        assertThat(users.paths()).containsExactly("/api/users/1");
    }

    @Test
    void pathThatClimbsAboveTheRootIsRejected() {
        String answer = pier.raw("GET /../../etc/passwd HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
        assertThat(answer).startsWith("HTTP/1.1 400");
        assertThat(a.requests() + b.requests() + c.requests()).isZero();
    }

    @Test
    void pierEndpointsAreNeverProxied() {
        ContentResponse health = pier.get("/_pier/health");
        assertThat(health.getStatus()).isEqualTo(200);
        assertThat(health.getContentAsString()).isEqualTo("ok\n");
        assertThat(pier.get("/_pier/nope").getStatus()).isEqualTo(404);
        assertThat(a.requests() + b.requests() + c.requests()).isZero();
    }
}
