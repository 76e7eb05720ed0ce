package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigList;
import com.typesafe.config.ConfigObject;
import com.typesafe.config.ConfigOrigin;
import com.typesafe.config.ConfigValue;
import com.typesafe.config.ConfigValueType;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads a route's {@code backends}: URL strings or objects with {@code url} and {@code weight}, each an
 * {@code http(s)://host:port} without path, query or user, none twice; problems go to {@link Problems} with the key
 * the user wrote. Stateless.
 */
final class BackendListReader {

    private static final Set<String> BACKEND_KEYS = Set.of("url", "weight");

    private BackendListReader() {
    }

    /** The backends of {@code route} (at {@code path}); the weight not given is {@code pier.route-defaults.weight}. */
    static List<BackendSettings> read(Problems problems, Config route, String path, Config defaults) {
        if (!route.hasPath("backends")) {
            problems.add(route.root().origin(), path + ".backends",
                    "missing backends (expected: a list of at least one http(s)://host:port)");
            return List.of();
        }
        ConfigList list = problems.get(route, "backends", path + ".backends", Config::getList);
        if (list == null) {
            return List.of();
        }
        if (list.isEmpty()) {
            problems.add(list.origin(), path + ".backends",
                    "a route without backends (expected: a list of at least one http(s)://host:port)");
            return List.of();
        }
        int defaultWeight = defaults.getInt("weight");
        if (defaultWeight < 1 || defaultWeight > BackendSettings.MAX_WEIGHT) {
            problems.add(defaults, "weight", "pier.route-defaults.weight", "weight: " + defaultWeight
                    + " (expected: 1-" + BackendSettings.MAX_WEIGHT + ")");
            defaultWeight = 1;
        }
        List<BackendSettings> backends = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (int i = 0; i < list.size(); i++) {
            ConfigValue value = list.get(i);
            String at = path + ".backends[" + i + "]";
            String url;
            int weight = defaultWeight;
            ConfigOrigin urlOrigin = value.origin();
            if (value.valueType() == ConfigValueType.STRING) {
                url = (String) value.unwrapped();
            } else if (value.valueType() == ConfigValueType.OBJECT) {
                Config backend = ((ConfigObject) value).toConfig();
                problems.unknownKeys((ConfigObject) value, at, BACKEND_KEYS);
                if (!backend.hasPath("url")) {
                    problems.add(value.origin(), at + ".url", "missing url (expected: http(s)://host:port)");
                    continue;
                }
                url = problems.get(backend, "url", at + ".url", Config::getString);
                urlOrigin = backend.getValue("url").origin();
                if (backend.hasPath("weight")) {
                    Integer w = problems.atLeast(backend, "weight", at + ".weight", 1);
                    if (w != null && w > BackendSettings.MAX_WEIGHT) {
                        problems.add(backend, "weight", at + ".weight", "weight: " + w + " (expected: 1-"
                                + BackendSettings.MAX_WEIGHT + ")");
                        w = null;
                    }
                    weight = w == null ? 1 : w;
                }
                if (url == null) {
                    continue;
                }
                at = at + ".url";
            } else {
                problems.add(value.origin(), at, "a backend must be a URL string or an object with url and weight");
                continue;
            }
            BackendSettings backend = parseUrl(url, weight);
            if (backend == null) {
                problems.add(urlOrigin, at, "'" + url + "' is not a backend URL (expected: http://host:port or "
                        + "https://host:port, with no path, query or user)");
            } else if (!seen.add(backend.url())) {
                problems.add(urlOrigin, at, "duplicate backend '" + backend.url() + "' in this route");
            } else {
                backends.add(backend);
            }
        }
        return backends;
    }

    static @Nullable BackendSettings parseUrl(String url, int weight) {
        URI uri;
        try {
            uri = new URI(url.trim());
        } catch (URISyntaxException e) {
            return null;
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("http") && !scheme.equals("https")) {
            return null;
        }
        String path = uri.getRawPath();
        if (uri.getHost() == null || uri.getPort() < 1 || uri.getRawUserInfo() != null || uri.getRawQuery() != null
                || uri.getRawFragment() != null || (path != null && !path.isEmpty() && !path.equals("/"))) {
            return null;
        }
        String host = uri.getHost();
        if (host.startsWith("[") && host.endsWith("]")) {
            host = host.substring(1, host.length() - 1);
        }
        return new BackendSettings(scheme, host.toLowerCase(Locale.ROOT), uri.getPort(), weight);
    }
}
