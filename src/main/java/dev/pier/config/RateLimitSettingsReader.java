package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;

/**
 * Reads the rate-limit policies ({@code pier.rate-limits}), how buckets are kept ({@code pier.rate-limiting}) and
 * the policies a route obeys ({@code rate-limit = [...]}), adding every problem, with its file, line and key, to
 * the {@link Problems} of the load. Stateless.
 */
final class RateLimitSettingsReader {

    static final Set<String> RATE_LIMITING_KEYS = Set.of("store", "max-keys", "headers", "policy-defaults", "redis");
    static final Set<String> POLICY_KEYS =
            Set.of("key", "rate", "period", "burst", "missing-key", "exempt", "dry-run", "ipv6-prefix");
    static final Set<String> POLICY_DEFAULT_KEYS =
            Set.of("key", "period", "missing-key", "exempt", "dry-run", "ipv6-prefix");
    static final Set<String> REDIS_KEYS = Set.of("uri", "timeout", "on-error", "pause-after", "pause");

    /** Longest refill of a whole bucket; it keeps every time of the token bucket within a long of nanoseconds. */
    private static final Duration LONGEST_REFILL = Duration.ofDays(365);
    /** Most tokens per second: one every microsecond, Redis's clock resolution. */
    private static final long MOST_PER_SECOND = 1_000_000;

    private RateLimitSettingsReader() {
    }

    /** Reads {@code pier.rate-limits} and {@code pier.rate-limiting} of {@code config} (the whole configuration). */
    static RateLimitingSettings read(Problems problems, Config config) {
        problems.unknownKeys(config.getObject("pier.rate-limiting"), "pier.rate-limiting", RATE_LIMITING_KEYS);
        Config limiting = config.getConfig("pier.rate-limiting");
        RateLimitingSettings.Store store = problems.enumValue(limiting, "store", "pier.rate-limiting.store",
                RateLimitingSettings.Store.values(), RateLimitingSettings.Store::configName);
        Integer maxKeys = problems.atLeast(limiting, "max-keys", "pier.rate-limiting.max-keys", 1);
        RateLimitingSettings.Headers headers = problems.enumValue(limiting, "headers", "pier.rate-limiting.headers",
                RateLimitingSettings.Headers.values(), RateLimitingSettings.Headers::configName);
        RedisSettings redis = readRedis(problems, config);

        Map<String, RateLimitPolicySettings> policies = new LinkedHashMap<>();
        ConfigObject defaultsObject = config.getObject("pier.rate-limiting.policy-defaults");
        problems.unknownKeys(defaultsObject, "pier.rate-limiting.policy-defaults", POLICY_DEFAULT_KEYS);
        ConfigObject declared = problems.get(config, "pier.rate-limits", "pier.rate-limits", Config::getObject);
        if (declared != null) {
            // A config object keeps no order: the policies go by their line in the file, for readable problems.
            List<Map.Entry<String, ConfigValue>> entries = new ArrayList<>(declared.entrySet());
            entries.sort(Comparator.comparingInt((Map.Entry<String, ConfigValue> e) -> e.getValue().origin().lineNumber())
                    .thenComparing(Map.Entry::getKey));
            for (Map.Entry<String, ConfigValue> entry : entries) {
                RateLimitPolicySettings policy =
                        readPolicy(problems, entry.getKey(), entry.getValue(), defaultsObject.toConfig());
                if (policy != null) {
                    policies.put(policy.name(), policy);
                }
            }
        }
        return new RateLimitingSettings(policies, store == null ? RateLimitingSettings.Store.LOCAL : store,
                maxKeys == null ? 1 : maxKeys, headers == null ? RateLimitingSettings.Headers.NONE : headers, redis);
    }

    /**
     * Reads the {@code rate-limit} list of one route, or of {@code pier.route-defaults} when the route has none:
     * names of policies that {@code pier.rate-limits} of {@code config} (the whole configuration) defines.
     *
     * @param route the route's object
     * @param path the route's path for problems, e.g. {@code pier.routes[0]}
     */
    static List<String> readRoute(Problems problems, Config route, String path, Config config) {
        boolean own = route.hasPath("rate-limit");
        Config source = own ? route : config.getConfig("pier.route-defaults");
        String at = own ? path + ".rate-limit" : "pier.route-defaults.rate-limit";
        ConfigList list = problems.get(source, "rate-limit", at, Config::getList);
        if (list == null) {
            return List.of();
        }
        Set<String> declared = config.hasPath("pier.rate-limits")
                && config.getValue("pier.rate-limits").valueType() == ConfigValueType.OBJECT
                ? config.getObject("pier.rate-limits").keySet() : Set.of();
        Set<String> names = new LinkedHashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String element = at + "[" + i + "]";
            if (value.valueType() != ConfigValueType.STRING) {
                problems.add(value.origin(), element, "a rate limit is named by a string, not "
                        + value.valueType().name().toLowerCase(Locale.ROOT));
                continue;
            }
            String name = (String) value.unwrapped();
            if (!declared.contains(name)) {
                problems.add(value.origin(), element, "unknown rate-limit policy '" + name + "' " + (declared.isEmpty()
                        ? "(expected: a policy of pier.rate-limits, which defines none)"
                        : "(expected one of: " + declared.stream().sorted().collect(Collectors.joining(", ")) + ")"));
            } else if (!names.add(name)) {
                problems.add(value.origin(), element, "duplicate rate-limit policy '" + name + "' in this list");
            }
        }
        return List.copyOf(names);
    }

    private static @Nullable RateLimitPolicySettings readPolicy(Problems problems, String name, ConfigValue value,
                                                                Config defaults) {
        String path = ConfigUtil.joinPath("pier", "rate-limits", name);
        if (!isName(name)) {
            problems.add(value.origin(), path, "policy name '" + name
                    + "' (expected: 1 to 64 letters, digits, '-' and '_')");
            return null;
        }
        if (value.valueType() != ConfigValueType.OBJECT) {
            problems.add(value.origin(), path, "a rate-limit policy must be an object with at least a rate, not "
                    + value.valueType().name().toLowerCase(Locale.ROOT));
            return null;
        }
        ConfigObject object = (ConfigObject) value;
        problems.unknownKeys(object, path, POLICY_KEYS);
        Config own = object.toConfig();
        Config policy = own.withFallback(defaults);
        // A problem is reported at the key the user wrote: the policy's own, else the default.
        Function<String, String> at = k -> own.hasPath(k) ? path + "." + k : "pier.rate-limiting.policy-defaults." + k;
        int before = problems.size();

        RateLimitPolicySettings.Key key = readKey(problems, policy, at.apply("key"));
        Integer rate = null;
        if (!own.hasPath("rate")) {
            problems.add(object.origin(), path + ".rate", "missing rate (expected: tokens per period, a whole number >= 1)");
        } else {
            rate = problems.atLeast(own, "rate", path + ".rate", 1);
        }
        Duration period = problems.duration(policy, "period", at.apply("period"), true);
        if (period != null && (period.getNano() != 0 || period.compareTo(LONGEST_REFILL) > 0)) {
            problems.add(policy, "period", at.apply("period"), "period: " + policy.getValue("period").unwrapped()
                    + " (expected: a whole number of seconds, from 1s to 365d)");
            period = null;
        }
        Integer burst = rate;
        if (own.hasPath("burst")) {
            burst = problems.atLeast(own, "burst", path + ".burst", 1);
        }
        RateLimitPolicySettings.MissingKey missingKey = problems.enumValue(policy, "missing-key",
                at.apply("missing-key"), RateLimitPolicySettings.MissingKey.values(),
                RateLimitPolicySettings.MissingKey::configName);
        List<String> exempt = readExempt(problems, policy, at.apply("exempt"));
        Boolean dryRun = problems.get(policy, "dry-run", at.apply("dry-run"), Config::getBoolean);
        Integer ipv6Prefix = problems.atLeast(policy, "ipv6-prefix", at.apply("ipv6-prefix"), 1);
        if (ipv6Prefix != null && ipv6Prefix > 128) {
            problems.add(policy, "ipv6-prefix", at.apply("ipv6-prefix"),
                    "ipv6-prefix: " + ipv6Prefix + " (expected: 1-128)");
        }
        if (rate != null && period != null && rate > period.getSeconds() * MOST_PER_SECOND) {
            problems.add(own, "rate", path + ".rate", "rate: " + rate + " per " + period.getSeconds()
                    + "s (expected: at most " + MOST_PER_SECOND + " per second)");
        }
        if (rate != null && period != null && burst != null
                && (double) burst * period.getSeconds() / rate > LONGEST_REFILL.getSeconds()) {
            String where = own.hasPath("burst") ? "burst" : "rate";
            problems.add(own, where, path + "." + where, "burst: " + burst + " at " + rate + " per "
                    + period.getSeconds() + "s (expected: a bucket that refills within 365d: burst * period / rate)");
        }
        if (problems.size() > before || key == null || rate == null || period == null || burst == null
                || missingKey == null || dryRun == null || ipv6Prefix == null) {
            return null;
        }
        return new RateLimitPolicySettings(name, key, rate, period, burst, missingKey, exempt, dryRun, ipv6Prefix);
    }

    private static RateLimitPolicySettings.@Nullable Key readKey(Problems problems, Config policy, String path) {
        String text = problems.get(policy, "key", path, Config::getString);
        if (text == null) {
            return null;
        }
        if (text.equals("client-ip")) {
            return new RateLimitPolicySettings.Key(RateLimitPolicySettings.KeyKind.CLIENT_IP, "");
        }
        if (text.equals("route")) {
            return new RateLimitPolicySettings.Key(RateLimitPolicySettings.KeyKind.ROUTE, "");
        }
        if (text.startsWith("header:") && isToken(text.substring(7))) {
            return new RateLimitPolicySettings.Key(RateLimitPolicySettings.KeyKind.HEADER, text.substring(7));
        }
        if (text.startsWith("cookie:") && isToken(text.substring(7))) {
            return new RateLimitPolicySettings.Key(RateLimitPolicySettings.KeyKind.COOKIE, text.substring(7));
        }
        problems.add(policy, "key", path, "key: '" + text
                + "' (expected one of: client-ip, route, \"header:<name>\", \"cookie:<name>\")");
        return null;
    }

    private static List<String> readExempt(Problems problems, Config policy, String path) {
        ConfigList list = problems.get(policy, "exempt", path, Config::getList);
        if (list == null) {
            return List.of();
        }
        List<String> blocks = new ArrayList<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String entry = value.valueType() == ConfigValueType.STRING ? ((String) value.unwrapped()).trim() : "";
            if (!AddressBlock.valid(entry)) {
                problems.add(value.origin(), path + "[" + i + "]", "'" + value.unwrapped()
                        + "' is not a client address (expected: an IP address such as 10.0.0.7 or a CIDR block "
                        + "such as 10.0.0.0/8)");
            } else {
                blocks.add(entry);
            }
        }
        return blocks;
    }

    private static RedisSettings readRedis(Problems problems, Config config) {
        problems.unknownKeys(config.getObject("pier.rate-limiting.redis"), "pier.rate-limiting.redis", REDIS_KEYS);
        Config redis = config.getConfig("pier.rate-limiting.redis");
        String path = "pier.rate-limiting.redis.";
        String uri = problems.get(redis, "uri", path + "uri", Config::getString);
        if (uri != null && !isRedisUri(uri)) {
            problems.add(redis, "uri", path + "uri", "uri: '" + uri
                    + "' (expected: redis://host:port or rediss://host:port, with an optional user, password and "
                    + "/database)");
        }
        Duration timeout = problems.duration(redis, "timeout", path + "timeout", true);
        RedisSettings.OnError onError = problems.enumValue(redis, "on-error", path + "on-error",
                RedisSettings.OnError.values(), RedisSettings.OnError::configName);
        Integer pauseAfter = problems.atLeast(redis, "pause-after", path + "pause-after", 1);
        Duration pause = problems.duration(redis, "pause", path + "pause", true);
        return new RedisSettings(uri == null ? "" : uri, timeout == null ? Duration.ofSeconds(1) : timeout,
                onError == null ? RedisSettings.OnError.LOCAL : onError, pauseAfter == null ? 1 : pauseAfter,
                pause == null ? Duration.ofSeconds(1) : pause);
    }

    private static boolean isRedisUri(String text) {
        try {
            URI uri = new URI(text.trim());
            String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
            String path = uri.getRawPath() == null ? "" : uri.getRawPath();
            return (scheme.equals("redis") || scheme.equals("rediss")) && uri.getHost() != null
                    && uri.getRawQuery() == null && uri.getRawFragment() == null
                    && (path.isEmpty() || path.matches("/\\d{0,2}"));
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static boolean isName(String text) {
        return text.length() <= 64 && text.matches("[A-Za-z0-9_-]+");
    }

    private static boolean isToken(String text) {
        return !text.isEmpty() && text.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z')
                || (c >= '0' && c <= '9') || c == '-' || c == '_' || c == '.');
    }
}
