package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigUtil;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Reads the settings of the request pipeline: {@code pier.client-address}, {@code pier.request-id} and a route's
 * {@code request-headers}, {@code response-headers}, {@code allow} and {@code deny} (each also in
 * {@code pier.route-defaults}). Every problem goes to the caller's {@link Problems} with its file, line and key;
 * each method still returns a value (with what could be read) so that reading goes on. Stateless.
 */
final class PipelineSettingsReader {

    /** The keys this reader adds under {@code pier}. */
    static final Set<String> PIER_KEYS = Set.of("client-address", "request-id");
    /** The keys this reader adds to a route and to {@code pier.route-defaults}. */
    static final Set<String> ROUTE_KEYS = Set.of("request-headers", "response-headers", "allow", "deny");

    private static final Set<String> CLIENT_ADDRESS_KEYS = Set.of("trusted-proxies", "header");
    private static final Set<String> REQUEST_ID_KEYS = Set.of("trust-incoming");
    private static final Set<String> HEADER_RULE_KEYS = Set.of("set", "remove");

    /** Headers of one connection (RFC 9110, 7.6.1), lower-case. */
    private static final Set<String> HOP_BY_HOP = Set.of("connection", "keep-alive", "proxy-authorization",
            "proxy-authenticate", "proxy-connection", "transfer-encoding", "te", "trailer", "upgrade");
    /** Headers Pier writes itself on every request or answer, lower-case. */
    private static final Set<String> PIER_OWN = Set.of("host", "x-request-id", "forwarded", "x-forwarded-for",
            "x-forwarded-proto", "x-forwarded-host", "via");

    private static final String ADDRESS_EXPECTED =
            " is not a client address (expected: an IP address such as 10.0.0.7 or a CIDR block such as 10.0.0.0/8)";

    private PipelineSettingsReader() {
    }

    /** {@code pier.client-address} of the whole configuration. */
    static ClientAddressSettings clientAddress(Problems problems, Config config) {
        String path = "pier.client-address";
        ConfigObject object = problems.get(config, path, path, Config::getObject);
        if (object == null) {
            return new ClientAddressSettings(List.of(), ForwardingHeader.X_FORWARDED_FOR);
        }
        problems.unknownKeys(object, path, CLIENT_ADDRESS_KEYS);
        Config own = object.toConfig();
        List<AddressBlock> trusted = addresses(problems, own, "trusted-proxies", path + ".trusted-proxies");
        ForwardingHeader header = problems.enumValue(own, "header", path + ".header", ForwardingHeader.values(),
                ForwardingHeader::headerName);
        return new ClientAddressSettings(trusted, header == null ? ForwardingHeader.X_FORWARDED_FOR : header);
    }

    /** {@code pier.request-id} of the whole configuration. */
    static RequestIdSettings requestId(Problems problems, Config config) {
        String path = "pier.request-id";
        ConfigObject object = problems.get(config, path, path, Config::getObject);
        if (object == null) {
            return new RequestIdSettings(false);
        }
        problems.unknownKeys(object, path, REQUEST_ID_KEYS);
        Boolean trust = problems.get(object.toConfig(), "trust-incoming", path + ".trust-incoming",
                Config::getBoolean);
        return new RequestIdSettings(trust != null && trust);
    }

    /**
     * The pipeline keys of one route. A problem is reported at the key the user wrote: the route's own, else
     * the default's. A route's {@code set} adds to (and overrides) the defaults' {@code set}; its {@code remove},
     * {@code allow} and {@code deny} replace the defaults' lists.
     *
     * @param route the route's own object
     * @param path where the route is, {@code pier.routes[2]}
     * @param defaults {@code pier.route-defaults}
     */
    static RouteStageSettings route(Problems problems, Config route, String path, Config defaults) {
        Config merged = route.withFallback(defaults);
        HeaderRuleSettings request = headerRules(problems, route, path, defaults, merged, "request-headers");
        HeaderRuleSettings response = headerRules(problems, route, path, defaults, merged, "response-headers");
        List<AddressBlock> allow = addresses(problems, merged, "allow", keyOf(route, path, "allow"));
        List<AddressBlock> deny = addresses(problems, merged, "deny", keyOf(route, path, "deny"));
        return new RouteStageSettings(request, response, allow, deny);
    }

    /** Where {@code key} was written: in the route, else in the defaults. */
    private static String keyOf(Config route, String path, String key) {
        return (route.hasPath(key) ? path : "pier.route-defaults") + "." + key;
    }

    private static HeaderRuleSettings headerRules(Problems problems, Config route, String path, Config defaults,
                                                  Config merged, String block) {
        ConfigObject rules = problems.get(merged, block, keyOf(route, path, block), Config::getObject);
        if (rules == null) {
            return HeaderRuleSettings.NONE;
        }
        // The merged object has no single origin: check each part's keys where it was written.
        if (route.hasPath(block) && route.getValue(block).valueType() == ConfigValueType.OBJECT) {
            problems.unknownKeys(route.getObject(block), path + "." + block, HEADER_RULE_KEYS);
        }
        if (defaults.hasPath(block) && defaults.getValue(block).valueType() == ConfigValueType.OBJECT) {
            problems.unknownKeys(defaults.getObject(block), "pier.route-defaults." + block, HEADER_RULE_KEYS);
        }
        Config config = rules.toConfig();
        Map<String, String> set = new LinkedHashMap<>();
        Map<String, String> setNames = new HashMap<>();
        ConfigObject setObject = config.hasPath("set")
                ? problems.get(config, "set", keyOf(route, path, block + ".set"), Config::getObject) : null;
        if (setObject != null) {
            Config setConfig = setObject.toConfig();
            // In name order, so that the problems come out the same each time.
            for (Map.Entry<String, ConfigValue> entry : new TreeMap<>(setObject).entrySet()) {
                String name = entry.getKey();
                String quoted = ConfigUtil.joinPath(name);
                String at = keyOf(route, path, block + ".set." + quoted);
                ConfigValue value = entry.getValue();
                String problem = nameProblem(name);
                if (problem != null) {
                    problems.add(value.origin(), at, problem);
                    continue;
                }
                if (value.valueType() == ConfigValueType.OBJECT || value.valueType() == ConfigValueType.LIST) {
                    problems.add(value.origin(), at, "value of header '" + name + "' is "
                            + value.valueType().name().toLowerCase(Locale.ROOT)
                            + " (expected: a string; quote a name that has dots: \"X.Y\" = ...)");
                    continue;
                }
                String text = problems.get(setConfig, quoted, at, Config::getString);
                if (text == null) {
                    continue;
                }
                if (!printable(text)) {
                    problems.add(value.origin(), at, "value of header '" + name + "': \"" + escape(text)
                            + "\" (expected: printable ASCII, no CR or LF, no space at either end)");
                    continue;
                }
                String earlier = setNames.put(name.toLowerCase(Locale.ROOT), name);
                if (earlier != null) {
                    problems.add(value.origin(), at, "header '" + name + "' is set twice, also as '" + earlier
                            + "' (header names are case-insensitive)");
                    continue;
                }
                set.put(name, text);
            }
        }
        List<String> remove = new ArrayList<>();
        ConfigList list = config.hasPath("remove")
                ? problems.get(config, "remove", keyOf(route, path, block + ".remove"), Config::getList) : null;
        if (list != null) {
            String listKey = keyOf(route, path, block + ".remove");
            Set<String> removed = new HashSet<>();
            for (int i = 0; i < list.size(); i++) {
                ConfigValue value = list.get(i);
                String at = listKey + "[" + i + "]";
                if (value.valueType() != ConfigValueType.STRING) {
                    problems.add(value.origin(), at, "'" + value.unwrapped() + "' is not a header name (expected: "
                            + "a string such as \"X-Debug\")");
                    continue;
                }
                String name = (String) value.unwrapped();
                String problem = nameProblem(name);
                if (problem != null) {
                    problems.add(value.origin(), at, problem);
                    continue;
                }
                String lower = name.toLowerCase(Locale.ROOT);
                if (setNames.containsKey(lower)) {
                    problems.add(value.origin(), at, "header '" + name + "' is both set and removed (expected: "
                            + "one or the other)");
                    continue;
                }
                if (removed.add(lower)) {
                    remove.add(name);
                }
            }
        }
        return new HeaderRuleSettings(set, remove);
    }

    /** Why {@code name} may not be a header rule's name, or null when it may. */
    private static @Nullable String nameProblem(String name) {
        if (!isToken(name)) {
            return "header name '" + escape(name) + "' is not a token (expected: letters, digits and "
                    + "!#$%&'*+-.^_`|~ only)";
        }
        String lower = name.toLowerCase(Locale.ROOT);
        if (HOP_BY_HOP.contains(lower)) {
            return "header '" + name + "' cannot be set or removed (it is hop-by-hop: it belongs to one connection)";
        }
        if (PIER_OWN.contains(lower)) {
            return "header '" + name + "' cannot be set or removed (Pier writes it itself)";
        }
        if (lower.equals("content-length")) {
            return "header '" + name + "' cannot be set or removed (it frames the message)";
        }
        return null;
    }

    /** An RFC 9110 token: one or more tchar. */
    private static boolean isToken(String text) {
        if (text.isEmpty()) {
            return false;
        }
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            if (!alnum && "!#$%&'*+-.^_`|~".indexOf(c) < 0) {
                return false;
            }
        }
        return true;
    }

    /** Visible ASCII, with spaces and tabs inside only: what a field value is sent as, unchanged. */
    private static boolean printable(String text) {
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean inside = (c == ' ' || c == '\t') && i > 0 && i < text.length() - 1;
            if (!inside && (c <= ' ' || c >= 0x7f)) {
                return false;
            }
        }
        return true;
    }

    /** {@code text} with control characters written as escapes, for a message on one line. */
    private static String escape(String text) {
        StringBuilder out = new StringBuilder(text.length() + 8);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> out.append("\\r");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                default -> {
                    if (c < ' ' || c == 0x7f) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        return out.toString();
    }

    /** A list of IP addresses and CIDR blocks at {@code key}, reported at {@code path}. */
    private static List<AddressBlock> addresses(Problems problems, Config config, String key, String path) {
        ConfigList list = problems.get(config, key, path, Config::getList);
        if (list == null) {
            return List.of();
        }
        List<AddressBlock> blocks = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String entry = value.valueType() == ConfigValueType.STRING ? ((String) value.unwrapped()).trim() : "";
            if (!AddressBlock.valid(entry)) {
                problems.add(value.origin(), path + "[" + i + "]", "'" + value.unwrapped() + "'" + ADDRESS_EXPECTED);
            } else {
                blocks.add(AddressBlock.parse(entry));
            }
        }
        return blocks;
    }
}
