package dev.pier.embedded;

import ch.qos.logback.classic.LoggerContext;
import com.typesafe.config.ConfigException;
import dev.pier.config.PierSettings;
import dev.pier.config.SettingsLoader;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.concurrent.CountDownLatch;
import org.eclipse.jetty.server.Server;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code java -jar pier.jar [--config FILE] [--demo]}: Pier on embedded Jetty. Exits 2 on a usage or
 * configuration error, 1 when it cannot start, 0 after a graceful stop (SIGTERM or Ctrl-C).
 */
public final class Main {

    private static final Logger logger = LoggerFactory.getLogger(Main.class);

    private static final String USAGE = """
            usage: java -jar pier.jar [--config FILE] [--demo]
              --config FILE  Pier's HOCON configuration (default: $PIER_CONFIG, else -Dpier.config)
              --demo         also start a small demo backend on each loopback backend address of the file
            """;

    private Main() {
    }

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    static int run(String[] args, PrintStream out, PrintStream err) {
        @Nullable String config = null;
        boolean demo = false;
        for (int i = 0; i < args.length; i++) {
            switch (args[i]) {
                case "--config" -> {
                    if (i + 1 == args.length) {
                        err.print("--config needs a file\n" + USAGE);
                        return 2;
                    }
                    config = args[++i];
                }
                case "--demo" -> demo = true;
                case "--help", "-h" -> {
                    out.print(USAGE);
                    return 0;
                }
                default -> {
                    err.print("unknown argument: " + args[i] + "\n" + USAGE);
                    return 2;
                }
            }
        }
        if (config == null) {
            config = System.getenv("PIER_CONFIG");
        }
        if (config == null) {
            config = System.getProperty("pier.config");
        }
        if (config == null) {
            err.print("no configuration file given\n" + USAGE);
            return 2;
        }
        Path file = Path.of(config);
        PierSettings settings;
        try {
            settings = SettingsLoader.load(file);
        } catch (ConfigException e) {
            err.println("Invalid Pier configuration " + file + ":" + SettingsLoader.describe(e));
            return 2;
        }

        DemoBackends demoBackends = null;
        Server server = PierServer.create(file, settings.server());
        try {
            if (demo) {
                demoBackends = DemoBackends.start(settings);
            }
            server.start();
        } catch (Exception e) {
            logger.error("Pier could not start", e);
            stop(server, demoBackends);
            return 1;
        }
        String host = settings.server().host().equals("0.0.0.0") ? "127.0.0.1" : settings.server().host();
        String url = PierServer.port(server) >= 0 ? "http://" + host + ":" + PierServer.port(server) + "/"
                : "https://" + host + ":" + PierServer.httpsPort(server) + "/";
        logger.info("Pier listening on {} (status: {}_pier/status)", url, url);
        if (demo) {
            out.println("Pier is up with demo backends. Try:  curl " + url + "   (repeat it to see round robin)");
        }
        awaitShutdown(server, demoBackends);
        return 0;
    }

    /** Blocks until SIGTERM or Ctrl-C, which stops the server gracefully; then the JVM exits 0. */
    private static void awaitShutdown(Server server, @Nullable DemoBackends demoBackends) {
        CountDownLatch stopped = new CountDownLatch(1);
        Runtime.getRuntime().addShutdownHook(new Thread(() -> {
            logger.info("Pier stopping: refusing new connections, letting in-flight requests finish");
            stop(server, demoBackends);
            stopLogging();
            stopped.countDown();
            // A signal makes the JVM exit 143; a graceful stop is a success.
            Runtime.getRuntime().halt(0);
        }, "pier-shutdown"));
        try {
            server.join();
            stopped.await();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /**
     * Stops logback, which writes out what its asynchronous appenders still queue (the last access-log lines): the
     * JVM halts next, and logback registers no shutdown hook of its own.
     */
    private static void stopLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext context) {
            context.stop();
        }
    }

    private static void stop(Server server, @Nullable DemoBackends demoBackends) {
        try {
            server.stop();
        } catch (Exception e) {
            logger.warn("Failed to stop Pier cleanly", e);
        }
        if (demoBackends != null) {
            demoBackends.close();
        }
    }
}
