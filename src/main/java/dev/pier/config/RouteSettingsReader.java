package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigException;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code pier.routes}, each route over {@code pier.route-defaults} and {@code pier.health-check}: its prefix,
 * backends, policy keys, health checks and limits, with the parts that other readers own (pipeline stages, rate
 * limits, TLS). Stateless.
 */
final class RouteSettingsReader {

    private static final Set<String> ROUTE_PROXY_KEYS = Set.of("request-timeout");
    private static final Set<String> HEALTH_KEYS =
            Set.of("kind", "path", "interval", "timeout", "healthy-threshold", "unhealthy-threshold");
    private static final Set<String> ROUTE_KEYS = SettingsLoader.union(Set.of("prefix", "strip-prefix", "policy", "backends",
            "proxy", "health-check", "hash-key", "cookie-name", "retries", "passive-health", "when-all-down",
            "max-body-size", "rate-limit", "tls", "hosts", "name", "websocket"), PipelineSettingsReader.ROUTE_KEYS);
    private static final Set<String> ROUTE_DEFAULT_KEYS = SettingsLoader.union(Set.of("strip-prefix", "policy", "weight",
            "hash-key", "cookie-name", "retries", "passive-health", "when-all-down", "max-body-size", "rate-limit", "tls",
            "websocket"), PipelineSettingsReader.ROUTE_KEYS);
    private static final Set<String> PASSIVE_HEALTH_KEYS = Set.of("consecutive-failures", "count-5xx");

    private RouteSettingsReader() {
    }

    static List<RouteSettings> readRoutes(Problems problems, Config config, ProxySettings proxy) {
        ConfigList list;
        try {
            list = config.getList("pier.routes");
        } catch (ConfigException e) {
            problems.add(e, "pier.routes");
            return List.of();
        }
        if (list.isEmpty()) {
            problems.add(list.origin(), "pier.routes", "no routes are configured (expected: at least one route)");
            return List.of();
        }
        Config defaults = config.getConfig("pier.route-defaults");
        problems.unknownKeys(defaults.root(), "pier.route-defaults", ROUTE_DEFAULT_KEYS);
        Config healthDefaults = config.getConfig("pier.health-check");
        problems.unknownKeys(healthDefaults.root(), "pier.health-check", HEALTH_KEYS);
        List<RouteSettings> routes = new ArrayList<>();
        RouteHostsReader identities = new RouteHostsReader();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String path = "pier.routes[" + i + "]";
            if (value.valueType() != ConfigValueType.OBJECT) {
                problems.add(value.origin(), path, "a route must be an object with a prefix and backends, not "
                        + value.valueType().name().toLowerCase(Locale.ROOT));
                continue;
            }
            RouteSettings route = readRoute(problems, ((ConfigObject) value).toConfig(), path, config, defaults,
                    healthDefaults, proxy, identities);
            if (route != null) {
                routes.add(route);
            }
        }
        return routes;
    }

    private static @Nullable RouteSettings readRoute(Problems problems, Config route, String path, Config whole,
                                                     Config defaults, Config healthDefaults, ProxySettings proxy,
                                                     RouteHostsReader identities) {
        int before = problems.size();
        problems.unknownKeys(route.root(), path, ROUTE_KEYS);
        Config withDefaults = route.withFallback(defaults);

        String prefix = null;
        String name = null;
        List<String> hosts = List.of();
        if (!route.hasPath("prefix")) {
            problems.add(route.root().origin(), path + ".prefix", "missing prefix (expected: a path such as \"/api\")");
        } else {
            prefix = problems.get(route, "prefix", path + ".prefix", Config::getString);
            if (prefix != null) {
                String why = prefixProblem(prefix);
                if (why != null) {
                    problems.add(route, "prefix", path + ".prefix", why);
                } else {
                    if (prefix.length() > 1 && prefix.endsWith("/")) {
                        prefix = prefix.substring(0, prefix.length() - 1);
                    }
                    int known = problems.size();
                    hosts = RouteHostsReader.hosts(problems, route, path);
                    name = RouteHostsReader.name(problems, route, path, prefix, hosts);
                    if (name != null && problems.size() == known) {
                        identities.claim(problems, route, path, prefix, hosts, name);
                    }
                }
            }
        }
        Boolean strip = problems.get(withDefaults, "strip-prefix", path + ".strip-prefix", Config::getBoolean);
        PolicyName policy = problems.enumValue(withDefaults, "policy", path + ".policy", PolicyName.values(),
                PolicyName::configName);
        List<BackendSettings> backends = BackendListReader.read(problems, route, path, defaults);

        Duration requestTimeout = proxy.requestTimeout();
        if (route.hasPath("proxy")) {
            ConfigObject routeProxy = problems.get(route, "proxy", path + ".proxy", Config::getObject);
            if (routeProxy != null) {
                problems.unknownKeys(routeProxy, path + ".proxy", ROUTE_PROXY_KEYS);
                if (route.hasPath("proxy.request-timeout")) {
                    requestTimeout = problems.duration(route, "proxy.request-timeout",
                            path + ".proxy.request-timeout", true);
                }
            }
        }

        HealthCheckSettings health = readHealth(problems, route, path, healthDefaults);
        // A problem is reported at the key the user wrote: the route's own, else the default.
        Function<String, String> key = k -> route.hasPath(k) ? path + "." + k : "pier.route-defaults." + k;
        HashKeySettings hashKey = readHashKey(problems, withDefaults, key.apply("hash-key"));
        String cookieName = problems.get(withDefaults, "cookie-name", key.apply("cookie-name"), Config::getString);
        if (cookieName != null && !isToken(cookieName)) {
            problems.add(withDefaults, "cookie-name", key.apply("cookie-name"), "cookie-name: '" + cookieName
                    + "' (expected: letters, digits and - _ . only)");
        }
        Integer retries = problems.atLeast(withDefaults, "retries", key.apply("retries"), 0);
        PassiveHealthSettings passive = readPassiveHealth(problems, route, path, defaults);
        WhenAllDown whenAllDown = problems.enumValue(withDefaults, "when-all-down", key.apply("when-all-down"),
                WhenAllDown.values(), WhenAllDown::configName);
        Long maxBodySize = readSizeOrUnlimited(problems, withDefaults, "max-body-size", key.apply("max-body-size"));
        RouteStageSettings stages = PipelineSettingsReader.route(problems, route, path, defaults);
        List<String> rateLimit = RateLimitSettingsReader.readRoute(problems, route, path, whole);
        BackendTls tls = BackendTlsReader.read(problems, route, path, defaults);
        WebSocketSettings webSocket = WebSocketSettingsReader.read(problems, route, path, defaults);
        if (problems.size() > before) {
            return null;
        }
        return new RouteSettings(prefix, strip, policy, backends, requestTimeout, health, hashKey, cookieName,
                retries, passive, whenAllDown, maxBodySize, stages, rateLimit, tls, name, hosts, webSocket);
    }

    /** A size in bytes ({@code 10MiB}, {@code 512k}) or {@code unlimited}, which reads as -1. */
    private static @Nullable Long readSizeOrUnlimited(Problems problems, Config config, String key, String path) {
        if (config.hasPath(key) && "unlimited".equals(config.getValue(key).unwrapped())) {
            return -1L;
        }
        Long bytes = problems.get(config, key, path, Config::getBytes);
        if (bytes != null && bytes < 1) {
            problems.add(config, key, path, key + ": " + bytes + " (expected: a size of at least 1 byte, or unlimited)");
            return null;
        }
        return bytes;
    }

    private static @Nullable HashKeySettings readHashKey(Problems problems, Config route, String path) {
        String text = problems.get(route, "hash-key", path, Config::getString);
        if (text == null) {
            return null;
        }
        if (text.equals("client-ip")) {
            return new HashKeySettings(HashKeySettings.Source.CLIENT_IP, "");
        }
        if (text.startsWith("header:") && isToken(text.substring(7))) {
            return new HashKeySettings(HashKeySettings.Source.HEADER, text.substring(7));
        }
        if (text.startsWith("cookie:") && isToken(text.substring(7))) {
            return new HashKeySettings(HashKeySettings.Source.COOKIE, text.substring(7));
        }
        problems.add(route, "hash-key", path, "hash-key: '" + text
                + "' (expected one of: \"header:<name>\", \"cookie:<name>\", \"client-ip\")");
        return null;
    }

    private static boolean isToken(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
    }

    private static @Nullable PassiveHealthSettings readPassiveHealth(Problems problems, Config route, String path,
                                                                     Config defaults) {
        Config merged = defaults.getConfig("passive-health");
        problems.unknownKeys(merged.root(), "pier.route-defaults.passive-health", PASSIVE_HEALTH_KEYS);
        if (route.hasPath("passive-health")) {
            ConfigObject own = problems.get(route, "passive-health", path + ".passive-health", Config::getObject);
            if (own == null) {
                return null;
            }
            problems.unknownKeys(own, path + ".passive-health", PASSIVE_HEALTH_KEYS);
            merged = own.toConfig().withFallback(merged);
        }
        Config passive = merged;
        Function<String, String> key = k -> route.hasPath("passive-health." + k)
                ? path + ".passive-health." + k : "pier.route-defaults.passive-health." + k;
        Integer failures = problems.atLeast(passive, "consecutive-failures", key.apply("consecutive-failures"), 0);
        Boolean count5xx = problems.get(passive, "count-5xx", key.apply("count-5xx"), Config::getBoolean);
        if (failures == null || count5xx == null) {
            return null;
        }
        return new PassiveHealthSettings(failures, count5xx);
    }

    private static @Nullable String prefixProblem(String prefix) {
        if (!prefix.startsWith("/")) {
            return "prefix: '" + prefix + "' (expected: a path starting with '/')";
        }
        if (prefix.contains("?") || prefix.contains("#") || prefix.contains("//") || prefix.chars().anyMatch(
                c -> c <= ' ' || c >= 0x7f)) {
            return "prefix: '" + prefix + "' (expected: a plain path without query, fragment, spaces or '//')";
        }
        for (String segment : prefix.split("/")) {
            if (segment.equals(".") || segment.equals("..")) {
                return "prefix: '" + prefix + "' (expected: no '.' or '..' segments)";
            }
        }
        if (prefix.equals("/_pier") || prefix.startsWith("/_pier/")) {
            return "prefix: '" + prefix + "' (expected: not under /_pier, which is reserved for Pier's own endpoints)";
        }
        return null;
    }

    private static HealthCheckSettings readHealth(Problems problems, Config route, String path, Config defaults) {
        Config merged = defaults;
        if (route.hasPath("health-check")) {
            ConfigObject own = problems.get(route, "health-check", path + ".health-check", Config::getObject);
            if (own != null) {
                problems.unknownKeys(own, path + ".health-check", HEALTH_KEYS);
                merged = own.toConfig().withFallback(defaults);
            }
        }
        Config health = merged;
        // A problem is reported at the key the user wrote: the route's own override, else the default.
        Function<String, String> key = k -> route.hasPath("health-check." + k)
                ? path + ".health-check." + k : "pier.health-check." + k;
        HealthCheckKind kind = problems.enumValue(health, "kind", key.apply("kind"), HealthCheckKind.values(),
                HealthCheckKind::configName);
        String probePath = problems.get(health, "path", key.apply("path"), Config::getString);
        if (probePath != null && !probePath.startsWith("/")) {
            problems.add(health, "path", key.apply("path"), "path: '" + probePath + "' (expected: starting with '/')");
        }
        Duration interval = problems.duration(health, "interval", key.apply("interval"), true);
        Duration timeout = problems.duration(health, "timeout", key.apply("timeout"), true);
        Integer up = problems.atLeast(health, "healthy-threshold", key.apply("healthy-threshold"), 1);
        Integer down = problems.atLeast(health, "unhealthy-threshold", key.apply("unhealthy-threshold"), 1);
        return new HealthCheckSettings(kind == null ? HealthCheckKind.HTTP : kind, probePath == null ? "/" : probePath,
                SettingsLoader.orZero(interval), SettingsLoader.orZero(timeout), up == null ? 1 : up, down == null ? 1 : down);
    }
}
