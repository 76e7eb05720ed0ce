package dev.pier.web;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.TestBackend;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.client.HttpClient;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built {@code target/pier.war}, deployed in Jetty's {@link WebAppContext} under a context path. */
class WarDeploymentIT {

    @TempDir
    Path dir;

    private static Path war() {
        Path war = Path.of(System.getProperty("test.pier.war", "target/pier.war"));
        assertThat(war).as("the WAR built by mvn package").isRegularFile();
        return war;
    }

    @Test
    void builtWarServesRoundRobinUnderItsContextPath() throws Exception {
        try (TestBackend a = TestBackend.start("a"); TestBackend b = TestBackend.start("b");
             TestBackend c = TestBackend.start("c")) {
            Path config = dir.resolve("pier.conf");
            Files.writeString(config, """
                    pier {
                      health-check { interval = 1h }
                      routes = [ { prefix = "/api", backends = ["%s", "%s", "%s"] } ]
                    }
                    """.formatted(a.url(), b.url(), c.url()));
            Server server = new Server();
            ServerConnector connector = new ServerConnector(server);
            connector.setHost("127.0.0.1");
            server.addConnector(connector);
            WebAppContext webapp = new WebAppContext(war().toString(), "/lb");
            webapp.setInitParameter("pier.config", config.toString());
            webapp.setTempDirectory(dir.resolve("work").toFile());
            server.setHandler(webapp);
            server.start();
            HttpClient client = new HttpClient();
            client.start();
            try {
                String base = "http://127.0.0.1:" + connector.getLocalPort() + "/lb";
                await().atMost(Duration.ofSeconds(10))
                        .until(() -> client.GET(base + "/_pier/ready").getStatus() == 200);
                List<String> seen = new ArrayList<>();
                for (int i = 0; i < 4; i++) {
                    ContentResponse response = client.GET(base + "/api/items/" + i + "?q=" + i);
                    assertThat(response.getStatus()).isEqualTo(200);
                    seen.add(response.getContentAsString());
                }
                assertThat(seen).containsExactly("a", "b", "c", "a");
                // The context path is not part of the matched or forwarded path.
                assertThat(a.paths()).containsExactly("/api/items/0?q=0", "/api/items/3?q=3");
                assertThat(client.GET(base + "/other").getStatus()).isEqualTo(404);
                assertThat(client.GET(base + "/_pier/health").getStatus()).isEqualTo(200);
            } finally {
                client.stop();
                server.stop();
            }
        }
    }
}
