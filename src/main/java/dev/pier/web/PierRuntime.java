package dev.pier.web;

import static java.util.Objects.requireNonNull;

import dev.pier.config.PierSettings;
import dev.pier.health.HealthChecker;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import jakarta.servlet.ServletContext;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Everything a running Pier holds: its settings, its routes and the health checks that keep them current.
 * Built by {@link PierListener}, published under {@link #ATTRIBUTE} in the servlet context, looked up by the
 * servlets. Thread-safe: the router is an immutable snapshot read through a volatile field.
 */
public final class PierRuntime implements AutoCloseable {

    /** The servlet-context attribute under which the listener publishes the runtime. */
    public static final String ATTRIBUTE = PierRuntime.class.getName();

    private final Path configFile;
    private final HealthChecker healthChecker;
    /** Replaced as a whole; request threads read it once per request. */
    private volatile State state;

    private PierRuntime(Path configFile, HealthChecker healthChecker, State state) {
        this.configFile = configFile;
        this.healthChecker = healthChecker;
        this.state = state;
    }

    /** Builds the routes and starts their health checks; the first probes run at once. */
    static PierRuntime start(Path configFile, PierSettings settings) {
        requireNonNull(configFile, "configFile");
        requireNonNull(settings, "settings");
        HealthChecker checker = new HealthChecker();
        try {
            Router router = Router.of(settings.routes());
            for (Route route : router.routes()) {
                checker.watch(route.prefix(), route.pool(), route.settings().healthCheck());
            }
            return new PierRuntime(configFile, checker, new State(settings, router));
        } catch (RuntimeException e) {
            checker.close();
            throw e;
        }
    }

    /** The runtime that the listener published in {@code context}, or null. */
    public static @Nullable PierRuntime from(ServletContext context) {
        return (PierRuntime) context.getAttribute(ATTRIBUTE);
    }

    public Path configFile() {
        return configFile;
    }

    public PierSettings settings() {
        return state.settings();
    }

    public Router router() {
        return state.router();
    }

    /** Whether every backend of every route has had its first probe. */
    public boolean ready() {
        for (Route route : state.router().routes()) {
            if (!route.pool().snapshot().allProbed()) {
                return false;
            }
        }
        return true;
    }

    @Override
    public void close() {
        healthChecker.close();
    }

    /** Settings and the routes built from them, swapped together. Immutable. */
    private record State(PierSettings settings, Router router) {
    }
}
