package dev.pier.config;

import static java.util.Objects.requireNonNull;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigFactory;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigParseOptions;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@link PierSettings} from a HOCON file on top of {@code reference.conf}. Every problem is gathered and
 * thrown at once as a {@link ConfigException.ValidationFailed} whose problems each carry the file, the line and
 * the key. Stateless; thread-safe.
 */
public final class SettingsLoader {

    private static final Set<String> PIER_KEYS = union(union(Set.of("server", "proxy", "health-check", "routes",
            "route-defaults", "admin", "rate-limits", "rate-limiting"), PipelineSettingsReader.PIER_KEYS),
            ObservabilitySettingsReader.PIER_KEYS);
    private static final Set<String> ADMIN_KEYS = Set.of("allow", "token");
    private static final Set<String> PROXY_KEYS = Set.of("connect-timeout", "request-timeout",
            "max-connections-per-backend", "max-queued-per-backend", "idle-timeout", "client-threads");

    private SettingsLoader() {
    }

    static Set<String> union(Set<String> a, Set<String> b) {
        Set<String> all = new HashSet<>(a);
        all.addAll(b);
        return Set.copyOf(all);
    }

    /**
     * Loads and validates {@code file}. System properties ({@code -Dpier.server.port=9000}) override the file,
     * which overrides {@code reference.conf}; {@code -Dpier.config}, which names the file, is not read as a key.
     *
     * @throws ConfigException.ValidationFailed listing every problem, each with file, line and key
     * @throws ConfigException when the file is missing or is not valid HOCON (its message names file and line)
     */
    public static PierSettings load(Path file) {
        requireNonNull(file, "file");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException.IO(ConfigFactory.parseString("").origin(),
                    "Pier configuration file not found: " + file.toAbsolutePath().normalize());
        }
        File asFile = file.toFile();
        Config parsed = ConfigFactory.parseFile(asFile, ConfigParseOptions.defaults().setAllowMissing(false));
        ClassLoader loader = SettingsLoader.class.getClassLoader();
        // -Dpier.config names the file (see ConfigLocation); it is not a key of the configuration.
        Config overrides = ConfigFactory.defaultOverrides(loader).withoutPath("pier.config");
        Config config = overrides.withFallback(parsed).withFallback(ConfigFactory.defaultReference(loader)).resolve();
        return read(config, file.toString());
    }

    /** Validates an already loaded configuration (with the reference as fallback). */
    public static PierSettings read(Config config, String source) {
        requireNonNull(config, "config");
        Problems problems = new Problems();
        Config pier = config.getConfig("pier");
        problems.unknownKeys(pier.root(), "pier", PIER_KEYS);

        ServerSettings server = ServerSettingsReader.read(problems, config);
        ProxySettings proxy = readProxy(problems, config);
        List<RouteSettings> routes = RouteSettingsReader.readRoutes(problems, config, proxy);
        AdminSettings admin = readAdmin(problems, config);
        ClientAddressSettings clientAddress = PipelineSettingsReader.clientAddress(problems, config);
        RequestIdSettings requestId = PipelineSettingsReader.requestId(problems, config);
        RateLimitingSettings rateLimiting = RateLimitSettingsReader.read(problems, config);
        ObservabilitySettings observability = ObservabilitySettingsReader.read(problems, config);
        problems.throwIfAny();
        return new PierSettings(source, server, proxy, routes, admin, clientAddress, requestId, rateLimiting,
                observability);
    }

    /** Every problem of {@code e} on its own line, each with its file, line and key: for logs and the console. */
    public static String describe(ConfigException e) {
        StringBuilder text = new StringBuilder();
        if (e instanceof ConfigException.ValidationFailed failed) {
            for (ConfigException.ValidationProblem problem : failed.problems()) {
                text.append(System.lineSeparator()).append("  ").append(problem.origin().description())
                        .append(": ").append(problem.path()).append(": ").append(problem.problem());
            }
        } else {
            text.append(System.lineSeparator()).append("  ").append(e.getMessage());
        }
        return text.toString();
    }

    private static AdminSettings readAdmin(Problems problems, Config config) {
        problems.unknownKeys(config.getObject("pier.admin"), "pier.admin", ADMIN_KEYS);
        List<String> allow = new ArrayList<>();
        ConfigList list = problems.get(config, "pier.admin.allow", "pier.admin.allow", Config::getList);
        if (list != null) {
            for (int i = 0; i < list.size(); i++) {
                ConfigValue value = list.get(i);
                String entry = value.valueType() == ConfigValueType.STRING ? ((String) value.unwrapped()).trim() : "";
                if (!AddressBlock.valid(entry)) {
                    problems.add(value.origin(), "pier.admin.allow[" + i + "]", "'" + value.unwrapped()
                            + "' is not a client address (expected: an IP address such as 10.0.0.7 or a CIDR block "
                            + "such as 10.0.0.0/8)");
                } else {
                    allow.add(entry);
                }
            }
        }
        String token = problems.get(config, "pier.admin.token", "pier.admin.token", Config::getString);
        if (token != null && !token.isEmpty() && (token.length() < 16 || token.chars().anyMatch(c -> c <= ' '))) {
            problems.add(config, "pier.admin.token", "pier.admin.token",
                    "token: too weak or not printable (expected: \"\" for none, or at least 16 characters without spaces)");
        }
        return new AdminSettings(allow, token == null ? "" : token);
    }

    private static ProxySettings readProxy(Problems problems, Config config) {
        problems.unknownKeys(config.getObject("pier.proxy"), "pier.proxy", PROXY_KEYS);
        Duration connect = problems.duration(config, "pier.proxy.connect-timeout", "pier.proxy.connect-timeout", true);
        Duration request = problems.duration(config, "pier.proxy.request-timeout", "pier.proxy.request-timeout", true);
        Integer maxConnections = problems.atLeast(config, "pier.proxy.max-connections-per-backend",
                "pier.proxy.max-connections-per-backend", 1);
        Integer maxQueued = problems.atLeast(config, "pier.proxy.max-queued-per-backend",
                "pier.proxy.max-queued-per-backend", 1);
        Duration idle = problems.duration(config, "pier.proxy.idle-timeout", "pier.proxy.idle-timeout", true);
        Integer threads = problems.atLeast(config, "pier.proxy.client-threads", "pier.proxy.client-threads", 4);
        return new ProxySettings(orZero(connect), orZero(request), maxConnections == null ? 1 : maxConnections,
                maxQueued == null ? 1 : maxQueued, orZero(idle), threads == null ? 4 : threads);
    }

    static Duration orZero(@Nullable Duration d) {
        return d == null ? Duration.ZERO : d;
    }
}
