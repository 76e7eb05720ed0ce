package dev.pier.web;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.ConfigException;
import dev.pier.config.PierSettings;
import dev.pier.config.RouteSettings;
import dev.pier.config.RouteStageSettings;
import dev.pier.config.SettingsLoader;
import dev.pier.health.HealthChecker;
import dev.pier.observe.Metrics;
import dev.pier.observe.Observer;
import dev.pier.pipeline.Pipeline;
import dev.pier.pipeline.PipelineFactory;
import dev.pier.ratelimit.RateLimits;
import dev.pier.routing.Route;
import dev.pier.routing.Router;
import dev.pier.websocket.Tunnels;
import jakarta.servlet.ServletContext;
import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything a running Pier holds: its settings, its routes and the health checks that keep them current.
 * Built by {@link PierListener}, published under {@link #ATTRIBUTE} in the servlet context, looked up by the
 * servlets. Thread-safe: settings, routes and their probes form one immutable {@link State}, read through a
 * volatile field by request threads and replaced as a whole by {@link #reload()}, which is serialized by
 * {@code this}. A request reads the state once, so it sees the old routes or the new ones, never a mix.
 */
public final class PierRuntime implements AutoCloseable {

    /** The servlet-context attribute under which the listener publishes the runtime. */
    public static final String ATTRIBUTE = PierRuntime.class.getName();

    private static final Logger logger = LoggerFactory.getLogger(PierRuntime.class);
    /** Reloads are events: see the README, "Observability". */
    private static final Logger events = LoggerFactory.getLogger("pier.events");

    private final Path configFile;
    private final HealthChecker healthChecker;
    /** The one meter registry, or null when {@code pier.metrics.enabled} was false at start. */
    private final @Nullable Metrics metrics;
    /** Replaced as a whole, under {@code this}; request threads read it once per request. */
    private volatile State state;
    /** Guarded by {@code this}. */
    private boolean closed;
    private final AtomicLong reloadsApplied = new AtomicLong();
    private final AtomicLong reloadsRejected = new AtomicLong();
    /** The problems of the last rejected reload, or empty; cleared by an applied one. */
    private volatile String lastRejection = "";
    /** Guarded by {@code this}. */
    private @Nullable ConfigWatcher watcher;
    private final Tunnels tunnels = new Tunnels();

    private PierRuntime(Path configFile, HealthChecker healthChecker, @Nullable Metrics metrics, State state) {
        this.configFile = configFile;
        this.healthChecker = healthChecker;
        this.metrics = metrics;
        this.state = state;
    }

    /** Builds the routes and starts their health checks; the first probes run at once. */
    static PierRuntime start(Path configFile, PierSettings settings) {
        requireNonNull(configFile, "configFile");
        requireNonNull(settings, "settings");
        HealthChecker checker = new HealthChecker();
        Metrics metrics = Metrics.start(settings.observability().metrics());
        try {
            Router router = Router.of(settings.routes());
            RateLimits limits = RateLimits.build(settings.rateLimiting(), ratePolicies(settings), null);
            // Before the first probes, so that the meters count them.
            Observer observer = Observer.of(settings.observability(), metrics, router, limits);
            Map<String, HealthChecker.Watch> watches = new HashMap<>();
            for (Route route : router.routes()) {
                watches.put(route.name(), checker.rewatch(null, route.name(), route.pool(),
                        route.settings().healthCheck(), route.settings().tls()));
            }
            PierRuntime runtime = new PierRuntime(configFile, checker, metrics,
                    new State(settings, new Routing(router, pipeline(settings, limits), observer), watches, limits));
            if (metrics != null) {
                metrics.countReloads(runtime::reloadsApplied, runtime::reloadsRejected);
            }
            return runtime;
        } catch (RuntimeException e) {
            checker.close();
            if (metrics != null) {
                metrics.close();
            }
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

    /** The one meter registry of this Pier, or null when metrics are off. */
    public @Nullable Metrics metrics() {
        return metrics;
    }

    /** The open WebSocket tunnels: closed with 1001 when Pier stops or a reload removes their backend. */
    public Tunnels tunnels() {
        return tunnels;
    }

    public PierSettings settings() {
        return state.settings();
    }

    public Router router() {
        return state.routing().router();
    }

    /** The routes and the request pipeline of one configuration: a request reads this once. */
    public Routing routing() {
        return state.routing();
    }

    /** Whether every backend of every route has had its first probe. */
    public boolean ready() {
        for (Route route : state.routing().router().routes()) {
            if (!route.pool().snapshot().allProbed()) {
                return false;
            }
        }
        return true;
    }

    /**
     * Reads the configuration file again and, once it is valid, swaps it in: see {@link Router#of(java.util.List,
     * Router)} for what a backend keeps. Kept backends keep their probes and schedule; new ones are probed at once;
     * removed ones get no new request (their in-flight requests complete) and their probes stop. Keys that shape
     * the proxy's HTTP client or the server ({@code pier.proxy} but {@code request-timeout}, {@code pier.server})
     * take effect at the next start.
     *
     * @return what happened; when the file is invalid, its problems, and the running configuration is untouched
     */
    public synchronized ReloadOutcome reload() {
        if (closed) {
            throw new IllegalStateException("Pier is stopped");
        }
        PierSettings settings;
        try {
            settings = SettingsLoader.load(configFile);
        } catch (ConfigException e) {
            String problems = SettingsLoader.describe(e);
            events.error("Pier configuration {} is invalid; still serving the previous one:{}", configFile, problems);
            reloadsRejected.incrementAndGet();
            lastRejection = problems.strip();
            return new ReloadOutcome(false, "Invalid Pier configuration " + configFile + ":" + problems);
        }
        State before = state;
        Router router = Router.of(settings.routes(), before.routing().router());
        RateLimits limits = RateLimits.build(settings.rateLimiting(), ratePolicies(settings), before.rateLimits());
        // Before the new probes start, so that the meters count them.
        Observer observer = Observer.of(settings.observability(), metrics, router, limits);
        Map<String, HealthChecker.Watch> watches = new HashMap<>();
        int kept = 0;
        int added = 0;
        for (Route route : router.routes()) {
            Route old = before.routing().router().byName(route.name());
            for (var backend : route.pool().backends()) {
                if (old != null && old.pool().backends().contains(backend)) {
                    kept++;
                } else {
                    added++;
                }
            }
            watches.put(route.name(), healthChecker.rewatch(before.watches().get(route.name()), route.name(),
                    route.pool(), route.settings().healthCheck(), route.settings().tls()));
        }
        before.watches().forEach((name, watch) -> {
            if (!watches.containsKey(name)) {
                watch.cancel();
            }
        });
        int total = 0;
        for (Route route : before.routing().router().routes()) {
            total += route.pool().backends().size();
        }
        state = new State(settings, new Routing(router, pipeline(settings, limits), observer), watches, limits);
        Set<Object> backends = Collections.newSetFromMap(new IdentityHashMap<>());
        router.routes().forEach(route -> backends.addAll(route.pool().backends()));
        tunnels.retain(backends::contains);
        // Requests already under way may still ask the old limits; a Redis connection they share moved over.
        before.rateLimits().close();
        if (!settings.server().equals(before.settings().server())
                || !settings.proxy().withRequestTimeout(before.settings().proxy().requestTimeout())
                .equals(before.settings().proxy())
                || !settings.observability().metrics().equals(before.settings().observability().metrics())) {
            logger.warn("Pier configuration reloaded, but pier.server, pier.metrics and pier.proxy (other than "
                    + "request-timeout) changes take effect only at the next start");
        }
        String summary = String.format("%d route(s); backends: %d kept, %d added, %d removed",
                router.routes().size(), kept, added, total - kept);
        events.info("Pier configuration reloaded from {}: {}", configFile, summary);
        reloadsApplied.incrementAndGet();
        lastRejection = "";
        return new ReloadOutcome(true, summary);
    }

    /**
     * Runs {@code change} (an operator's change of admin states or weights) on the current routes while no reload
     * runs, so that a reload carries all of it over or none: it builds its pools from the backends' states, and a
     * change to an old pool after that would be lost.
     */
    public synchronized <T> T steer(Function<Router, T> change) {
        return change.apply(state.routing().router());
    }

    /** Reloads applied since start. */
    public long reloadsApplied() {
        return reloadsApplied.get();
    }

    /** Reloads rejected since start because the file was invalid. */
    public long reloadsRejected() {
        return reloadsRejected.get();
    }

    /** Why the last reload was rejected, each problem with its file, line and key; empty once one applies. */
    public String lastRejection() {
        return lastRejection;
    }

    /** Reloads whenever the configuration file changes on disk, until {@link #close()}. */
    synchronized void watchConfigFile() {
        if (!closed && watcher == null) {
            watcher = ConfigWatcher.start(this);
        }
    }

    /** Stops the file watch and the health checks; a later {@link #reload()} fails. Idempotent. */
    @Override
    public void close() {
        ConfigWatcher stopping;
        synchronized (this) {
            closed = true;
            stopping = watcher;
            watcher = null;
        }
        // Outside the lock: the watch thread may be waiting for it in reload().
        if (stopping != null) {
            stopping.close();
        }
        tunnels.goingAway();
        healthChecker.close();
        state.rateLimits().close();
        if (metrics != null) {
            metrics.close();
        }
    }

    /** The request pipeline of {@code settings}, each route's rate limits after its access rules. */
    private static Pipeline pipeline(PierSettings settings, RateLimits limits) {
        Map<String, RouteStageSettings> stages = new HashMap<>();
        for (RouteSettings route : settings.routes()) {
            stages.put(route.name(), route.stages());
        }
        Map<String, Pipeline.Stages> limited = new HashMap<>();
        limits.stages().forEach((name, stage) -> limited.put(name, new Pipeline.Stages(List.of(stage), List.of())));
        return PipelineFactory.create(settings.clientAddress(), settings.requestId(), stages, limited);
    }

    /** Each route's rate-limit policies, by route name. */
    private static Map<String, List<String>> ratePolicies(PierSettings settings) {
        Map<String, List<String>> policies = new HashMap<>();
        for (RouteSettings route : settings.routes()) {
            if (!route.rateLimit().isEmpty()) {
                policies.put(route.name(), route.rateLimit());
            }
        }
        return policies;
    }

    /**
     * A configuration's routes, request pipeline and observer (its access log and meters), swapped together.
     * Immutable.
     */
    public record Routing(Router router, Pipeline pipeline, Observer observer) {
    }

    /** Settings, the routes and pipeline built from them and the routes' probes, by route name, swapped together. Immutable. */
    private record State(PierSettings settings, Routing routing, Map<String, HealthChecker.Watch> watches,
                         RateLimits rateLimits) {
        State {
            watches = Map.copyOf(watches);
        }
    }
}
