package dev.pier.containers;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import dev.pier.testing.TestBackend;
import dev.pier.testing.WebSocketBackend;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import org.apache.catalina.Context;
import org.apache.catalina.LifecycleState;
import org.apache.catalina.core.StandardContext;
import org.apache.catalina.startup.ContextConfig;
import org.apache.catalina.startup.Tomcat;
import org.apache.catalina.util.ServerInfo;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The built {@code target/pier.war} deployed in an embedded Tomcat; failsafe runs this class once on Tomcat 10.1
 * and once on Tomcat 11, each with only that Tomcat (and its bundled Servlet API) on the classpath.
 */
class TomcatContainerIT {

    @TempDir
    Path directory;

    private final List<TestBackend> backends = List.of(
            TestBackend.start("alpha"), TestBackend.start("beta"), TestBackend.start("gamma"));
    private final Tomcat tomcat = new Tomcat();
    private String base = "";

    @BeforeEach
    void startTomcat() throws Exception {
        Path baseDir = directory.resolve("tomcat");
        Files.createDirectories(baseDir.resolve("webapps"));
        tomcat.setBaseDir(baseDir.toString());
        tomcat.setPort(0);
        tomcat.getConnector().setProperty("address", "127.0.0.1");
        tomcat.getHost().setAutoDeploy(false);
        tomcat.start();
        base = "http://127.0.0.1:" + tomcat.getConnector().getLocalPort();
    }

    @AfterEach
    void stopAll() throws Exception {
        tomcat.stop();
        tomcat.destroy();
        backends.forEach(TestBackend::close);
    }

    /** Deploys the WAR as {@code web.xml} says, with the configuration given as a context init-parameter. */
    private Context deploy(String contextPath, Path config) throws IOException {
        StandardContext context = new StandardContext();
        context.setName(contextPath);
        context.setPath(contextPath);
        context.setDocBase(System.getProperty("test.pier.war"));
        ContextConfig webXml = new ContextConfig();
        webXml.setDefaultWebXml(tomcat.noDefaultWebXmlPath());
        context.addLifecycleListener(webXml);
        context.addParameter("pier.config", config.toString());
        tomcat.getHost().addChild(context);
        return context;
    }

    @Test
    void runsTheExpectedTomcatVersion() {
        assertThat(ServerInfo.getServerNumber()).startsWith(System.getProperty("tomcat.expected"));
    }

    @Test
    void deployedWarBalancesRoundRobinAndFollowsBackendHealthWithItsOwnClientThreads() throws Exception {
        Context context = deploy("/pier", ContainerScenario.writeConfig(directory, "pier.conf", backends));
        assertThat(context.getState()).isEqualTo(LifecycleState.STARTED);

        ContainerScenario.run(base + "/pier", backends);
        // No container-specific setting: the proxy's client runs on Pier's own named pool, not on Tomcat's.
        assertThat(ContainerScenario.pierThreads()).anyMatch(name -> name.startsWith("pier-proxy-"));
    }

    @Test
    void deployedWarRelaysWebSocketsThroughTomcatsJakartaWebSocket() throws Exception {
        try (WebSocketBackend echo = WebSocketBackend.start("echo"); TestBackend plain = TestBackend.start("plain")) {
            Context context = deploy("/pier", WebSocketScenario.writeConfig(directory, echo, plain));
            assertThat(context.getState()).isEqualTo(LifecycleState.STARTED);
            WebSocketScenario.run(base + "/pier", echo);
            WebSocketScenario.runUndeploy(base + "/pier", () -> {
                tomcat.getHost().removeChild(context);
                return null;
            });
        }
    }

    @Test
    void invalidConfigurationFailsTheDeploymentAndTheContextAnswers404() throws Exception {
        // Tomcat logs through java.util.logging: its log is where an operator finds the cause.
        List<LogRecord> logged = new CopyOnWriteArrayList<>();
        Handler capture = new Handler() {
            @Override
            public void publish(LogRecord record) {
                logged.add(record);
            }

            @Override
            public void flush() {
            }

            @Override
            public void close() {
            }
        };
        Logger tomcatLog = Logger.getLogger("");
        tomcatLog.addHandler(capture);
        Context context;
        try {
            context = deploy("/broken", ContainerScenario.writeInvalidConfig(directory));
        } finally {
            tomcatLog.removeHandler(capture);
        }

        assertThat(context.getState().isAvailable()).isFalse();
        assertThat(logged).anyMatch(record -> record.getThrown() != null
                && String.valueOf(record.getThrown().getMessage()).contains("broken.conf: 2: pier.routes[0].backends"));
        assertThat(ContainerScenario.get(base + "/broken/_pier/health").statusCode()).isEqualTo(404);
        assertThat(ContainerScenario.get(base + "/broken/x").statusCode()).isEqualTo(404);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(
                () -> assertThat(ContainerScenario.pierThreads()).isEmpty());
    }

    @Test
    void deployUndeployAndRedeployFiveTimesLeavesNoPierThreadBehind() throws Exception {
        Path config = ContainerScenario.writeConfig(directory, "pier.conf", backends);
        await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ContainerScenario.pierThreads()).isEmpty());
        long loggingThreads = ContainerScenario.loggingThreads();
        for (int round = 0; round < 5; round++) {
            Context context = deploy("/pier", config);
            await().atMost(Duration.ofSeconds(20))
                    .until(() -> ContainerScenario.get(base + "/pier/x").statusCode() == 200);
            assertThat(ContainerScenario.pierThreads())
                    .anyMatch(name -> name.startsWith("pier-proxy"))
                    .anyMatch(name -> name.startsWith("pier-health"));

            // Undeploy: Tomcat stops and destroys the context it removes.
            tomcat.getHost().removeChild(context);

            int finished = round;
            await().atMost(Duration.ofSeconds(20)).untilAsserted(
                    () -> assertThat(ContainerScenario.pierThreads()).as("round %d", finished).isEmpty());
            // The WAR's own logback stopped with it: its access log's appender thread ended.
            await().atMost(Duration.ofSeconds(20)).untilAsserted(() -> assertThat(ContainerScenario.loggingThreads())
                    .as("logging threads, round %d", finished).isEqualTo(loggingThreads));
            assertThat(ContainerScenario.get(base + "/pier/x").statusCode()).isEqualTo(404);
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
