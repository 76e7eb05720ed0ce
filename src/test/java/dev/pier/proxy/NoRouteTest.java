package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import java.nio.file.Path;
import org.eclipse.jetty.client.ContentResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class NoRouteTest {

    @TempDir
    Path dir;

    @Test
    void pathOutsideEveryRouteGets404() {
        try (TestBackend users = TestBackend.start("users");
             PierHarness pier = PierHarness.start(dir, """
                     health-check { interval = 1h }
                     routes = [ { prefix = "/api/users", backends = ["%s"] } ]
                     """.formatted(users.url()))) {
            ContentResponse response = pier.get("/api/orders/1");
            assertThat(response.getStatus()).isEqualTo(404);
            assertThat(pier.get("/api/usersX").getStatus()).isEqualTo(404);
            assertThat(pier.get("/").getStatus()).isEqualTo(404);
            assertThat(users.requests()).isZero();
        }
    }
}
