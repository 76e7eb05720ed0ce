package dev.pier.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.TestBackend;
import dev.pier.testing.WebSocketBackend;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The built {@code target/pier.war} deployed in an embedded Jetty 12.1 ({@link WebAppContext}). */
class JettyContainerIT {

    @TempDir
    Path directory;

    private final List<TestBackend> backends = List.of(
            TestBackend.start("alpha"), TestBackend.start("beta"), TestBackend.start("gamma"));
    private final Server server = new Server();
    private final ContextHandlerCollection contexts = new ContextHandlerCollection();
    private final List<WebAppContext> deployed = new java.util.ArrayList<>();
    private String base = "";

    @BeforeEach
    void startJetty() throws Exception {
        ServerConnector connector = new ServerConnector(server);
        connector.setHost("127.0.0.1");
        connector.setPort(0);
        server.addConnector(connector);
        server.setHandler(contexts);
        server.start();
        base = "http://127.0.0.1:" + connector.getLocalPort();
    }

    @AfterEach
    void stopAll() throws Exception {
        // A context added to a running server is not managed by it: undeploy each one explicitly.
        for (WebAppContext webapp : deployed) {
            webapp.stop();
        }
        server.stop();
        backends.forEach(TestBackend::close);
    }

    private WebAppContext deploy(String contextPath, Path config) throws Exception {
        WebAppContext webapp = new WebAppContext(System.getProperty("test.pier.war"), contextPath);
        webapp.setInitParameter("pier.config", config.toString());
        webapp.setTempDirectory(directory.resolve("work" + contextPath.replace('/', '-')
                + System.nanoTime()).toFile());
        contexts.addHandler(webapp);
        deployed.add(webapp);
        webapp.start();
        return webapp;
    }

    private void undeploy(WebAppContext webapp) throws Exception {
        webapp.stop();
        contexts.removeHandler(webapp);
        deployed.remove(webapp);
        webapp.destroy();
    }

    @Test
    void deployedWarBalancesRoundRobinAndFollowsBackendHealth() throws Exception {
        deploy("/pier", ContainerScenario.writeConfig(directory, "pier.conf", backends));

        ContainerScenario.run(base + "/pier", backends);
        assertThat(ContainerScenario.pierThreads()).anyMatch(name -> name.startsWith("pier-proxy"));
    }

    @Test
    void deployedWarRelaysWebSocketsThroughJettysJakartaWebSocket() throws Exception {
        try (WebSocketBackend echo = WebSocketBackend.start("echo"); TestBackend plain = TestBackend.start("plain")) {
            WebAppContext webapp = deploy("/pier", WebSocketScenario.writeConfig(directory, echo, plain));
            WebSocketScenario.run(base + "/pier", echo);
            WebSocketScenario.runUndeploy(base + "/pier", () -> {
                undeploy(webapp);
                return null;
            });
        }
    }

    @Test
    void invalidConfigurationMakesTheContextAnswer503() throws Exception {
        WebAppContext broken = deploy("/broken", ContainerScenario.writeInvalidConfig(directory));

        assertThat(broken.isAvailable()).isFalse();
        assertThat(broken.getUnavailableException()).hasMessageContaining("broken.conf: 2")
                .hasMessageContaining("pier.routes[0].backends");
        assertThat(ContainerScenario.get(base + "/broken/_pier/health").statusCode()).isEqualTo(503);
        assertThat(ContainerScenario.get(base + "/broken/x").statusCode()).isEqualTo(503);
    }

    @Test
    void deployUndeployAndRedeployFiveTimesLeavesNoPierThreadBehind() throws Exception {
        Path config = ContainerScenario.writeConfig(directory, "pier.conf", backends);
        // Earlier tests of this JVM stopped their Pier: its threads end.
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ContainerScenario.pierThreads()).isEmpty());
        long loggingThreads = ContainerScenario.loggingThreads();
        for (int round = 0; round < 5; round++) {
            WebAppContext webapp = deploy("/pier", config);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ContainerScenario.get(base + "/pier/x").statusCode() == 200);
            assertThat(ContainerScenario.pierThreads())
                    .anyMatch(name -> name.startsWith("pier-proxy"))
                    .anyMatch(name -> name.startsWith("pier-health"));

            undeploy(webapp);
            int finished = round;

            await().atMost(Duration.ofSeconds(20)).untilAsserted(
                    () -> assertThat(ContainerScenario.pierThreads()).as("round %d", finished).isEmpty());
            // The WAR's own logback stopped with it: its access log's appender thread ended.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ContainerScenario.loggingThreads())
                    .as("logging threads, round %d", finished).isEqualTo(loggingThreads));
        }
    }

    @Test
    void postReloadSwapsInTheChangedFileInTheWar() throws Exception {
        Path config = ContainerScenario.writeConfig(directory, "pier.conf", backends.subList(0, 1));
        deploy("/pier", config);
        await().atMost(Duration.ofSeconds(20))
                .until(() -> ContainerScenario.get(base + "/pier/x").body().equals("alpha"));

        ContainerScenario.writeConfig(directory, "pier.conf", backends.subList(1, 2));
        assertThat(ContainerScenario.post(base + "/pier/_pier/reload").statusCode()).isEqualTo(200);

        assertThat(ContainerScenario.get(base + "/pier/x").body()).isEqualTo("beta");
    }
}
