package dev.pier.web;

import ch.qos.logback.classic.LoggerContext;
import com.typesafe.config.ConfigException;
import dev.pier.config.PierSettings;
import dev.pier.config.SettingsLoader;
import jakarta.servlet.ServletContext;
import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The composition root of Pier, declared in {@code WEB-INF/web.xml} and registered by the embedded server alike:
 * loads and validates the configuration, builds the {@link PierRuntime}, starts its health checks and publishes
 * it; stops it all when the context is destroyed. Invalid configuration fails the context's start-up.
 */
public final class PierListener implements ServletContextListener {

    private static final Logger logger = LoggerFactory.getLogger(PierListener.class);

    private final @Nullable Path configFile;
    private final boolean watchConfigFile;

    /**
     * Finds the configuration file as {@link ConfigLocation} says: the servlet-container way. The file is read
     * again on {@code POST /_pier/reload}.
     */
    public PierListener() {
        this.configFile = null;
        this.watchConfigFile = false;
    }

    /**
     * Uses {@code configFile}, as the embedded server's {@code --config} says, and reloads it when it changes on
     * disk as well as on {@code POST /_pier/reload}.
     */
    public PierListener(Path configFile) {
        this.configFile = configFile;
        this.watchConfigFile = true;
    }

    @Override
    public void contextInitialized(ServletContextEvent event) {
        ServletContext context = event.getServletContext();
        Path file = configFile != null ? configFile : ConfigLocation.find(context);
        PierSettings settings;
        try {
            settings = SettingsLoader.load(file);
        } catch (ConfigException e) {
            // One log line a problem: log appenders escape line breaks inside a message.
            logger.error("Invalid Pier configuration {}; Pier does not start", file);
            for (String problem : SettingsLoader.describe(e).strip().split("\\R\\s*")) {
                logger.error("  {}", problem);
            }
            throw new IllegalStateException("Invalid Pier configuration " + file + ":" + SettingsLoader.describe(e), e);
        }
        PierRuntime runtime = PierRuntime.start(file, settings);
        if (watchConfigFile) {
            try {
                runtime.watchConfigFile();
            } catch (RuntimeException e) {
                // Jetty will not call contextDestroyed after a failed start: stop what was started.
                runtime.close();
                throw e;
            }
        }
        context.setAttribute(PierRuntime.ATTRIBUTE, runtime);
        logger.info("Pier started: {} route(s) from {}", settings.routes().size(), file);
    }

    @Override
    public void contextDestroyed(ServletContextEvent event) {
        // Tomcat calls this even when contextInitialized failed: there may be nothing to stop.
        ServletContext context = event.getServletContext();
        PierRuntime runtime = PierRuntime.from(context);
        if (runtime != null) {
            context.removeAttribute(PierRuntime.ATTRIBUTE);
            runtime.close();
            logger.info("Pier stopped");
        }
        if (configFile == null) {
            stopOwnLogging();
        }
    }

    /**
     * In a WAR, stops the WAR's own logback, last, so that its threads (the access log's asynchronous appender) end
     * and what they queue is written. {@code WEB-INF/web.xml} turns off logback's own servlet listener, which a
     * container may call before this one. A logback that is not the WAR's (a container that shares its own) is left
     * alone.
     */
    private static void stopOwnLogging() {
        if (LoggerFactory.getILoggerFactory() instanceof LoggerContext logging
                && logging.getClass().getClassLoader() == PierListener.class.getClassLoader()) {
            logging.stop();
        }
    }
}
