package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads a route's {@code hosts} and {@code name}, and keeps every route of one load apart: no two routes may answer
 * the same host (or, without hosts, any host) and prefix, and no two may share a name. Not thread-safe: one per load.
 *
 * <p>A host pattern is an exact name ({@code api.example.com}, an IPv4 address, an IPv6 address in brackets) or a
 * wildcard {@code *.example.org}, which matches a name that ends in {@code .example.org} at any depth
 * ({@code a.example.org}, {@code a.b.example.org}) but not {@code example.org} itself, as nginx's
 * {@code server_name} does. Patterns are read in lower case; a request's host is compared without regard to case.
 */
final class RouteHostsReader {

    private static final int MAX_HOST = 253;
    private static final int MAX_NAME = 200;

    /** "host prefix" (host "" for a route without hosts) to the route that claimed it. */
    private final Map<String, String> claimed = new HashMap<>();
    /** Route name to the route that has it. */
    private final Map<String, String> names = new HashMap<>();

    /** The route's host patterns, lower case; empty when it has none or they are wrong (then with problems). */
    static List<String> hosts(Problems problems, Config route, String path) {
        if (!route.hasPath("hosts")) {
            return List.of();
        }
        ConfigList list = problems.get(route, "hosts", path + ".hosts", Config::getList);
        if (list == null) {
            return List.of();
        }
        List<String> hosts = new ArrayList<>(list.size());
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String at = path + ".hosts[" + i + "]";
            if (value.valueType() != ConfigValueType.STRING) {
                problems.add(value.origin(), at, "a host must be a string such as \"api.example.com\" or "
                        + "\"*.example.org\", not " + value.valueType().name().toLowerCase(Locale.ROOT));
                continue;
            }
            String host = HostSpelling.pattern((String) value.unwrapped());
            String why = hostProblem(host);
            if (why != null) {
                problems.add(value.origin(), at, "host: '" + value.unwrapped() + "' (expected: " + why + ")");
            } else if (hosts.contains(host)) {
                problems.add(value.origin(), at, "duplicate host '" + host + "' in this route");
            } else {
                hosts.add(host);
            }
        }
        return hosts;
    }

    /** Why {@code host} (as {@link HostSpelling#pattern} spells it) is not a host pattern, or null when it is one. */
    static @Nullable String hostProblem(String host) {
        String generic = "a host name such as api.example.com, *.example.org or [2001:db8::1]";
        if (host.isEmpty()) {
            return generic + ", not empty";
        }
        if (host.length() > MAX_HOST) {
            return "at most " + MAX_HOST + " characters";
        }
        if (host.chars().anyMatch(c -> c <= ' ' || c >= 0x7f)) {
            return generic + ", without spaces or control characters";
        }
        if (host.startsWith("[")) {
            return HostSpelling.ipv6Literal(host, host.length()) != null ? null
                    : "an IPv6 address in brackets, such as [2001:db8::1], without a port";
        }
        if (host.indexOf(':') >= 0) {
            return generic + ", without a port (a route matches every port)";
        }
        String name = host;
        if (host.startsWith("*.")) {
            name = host.substring(2);
        }
        if (name.indexOf('*') >= 0) {
            return "'*' only as the whole first label, as in *.example.org";
        }
        for (String label : name.split("\\.", -1)) {
            if (label.isEmpty() || !label.chars().allMatch(c -> (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9')
                    || c == '-' || c == '_')) {
                return generic + ": labels of letters, digits, - and _ between single dots";
            }
        }
        return null;
    }

    /**
     * The route's name: its {@code name}, else its prefix without hosts, else {@code hosts[0] + prefix}. Null
     * when it is wrong (then with a problem).
     */
    static @Nullable String name(Problems problems, Config route, String path, String prefix, List<String> hosts) {
        if (!route.hasPath("name")) {
            return hosts.isEmpty() ? prefix : hosts.get(0) + prefix;
        }
        String name = problems.get(route, "name", path + ".name", Config::getString);
        if (name != null && (name.isEmpty() || name.length() > MAX_NAME
                || !name.chars().allMatch(c -> c > ' ' && c < 0x7f))) {
            problems.add(route, "name", path + ".name", "name: '" + name + "' (expected: 1-" + MAX_NAME
                    + " visible ASCII characters, no spaces)");
            return null;
        }
        return name;
    }

    /**
     * Claims each host of the route (or any host, without hosts) with its prefix, and its name, for the route at
     * {@code path}; a pair or a name that an earlier route holds is a problem.
     */
    void claim(Problems problems, Config route, String path, String prefix, List<String> hosts, String name) {
        int before = problems.size();
        if (hosts.isEmpty()) {
            if (claimed.putIfAbsent(" " + prefix, path) != null) {
                problems.add(route, "prefix", path + ".prefix",
                        "duplicate prefix '" + prefix + "' (each prefix may appear in one route only)");
            }
        } else {
            ConfigList list = route.getList("hosts");
            for (int i = 0; i < list.size(); i++) {
                String host = HostSpelling.pattern((String) list.get(i).unwrapped());
                String first = claimed.putIfAbsent(host + " " + prefix, path);
                if (first != null) {
                    problems.add(list.get(i).origin(), path + ".hosts[" + i + "]", "duplicate route for host '"
                            + host + "' and prefix '" + prefix + "' (" + first + " has them already)");
                }
            }
        }
        // A duplicate route is reported once, as such, not again for the name it gets by default.
        String first = names.putIfAbsent(name, path);
        if (first != null && problems.size() == before) {
            String key = route.hasPath("name") ? "name" : "prefix";
            problems.add(route, key, path + "." + key, "duplicate route name '" + name + "' (" + first
                    + " has it already; set a name of its own on one of them)");
        }
    }
}
