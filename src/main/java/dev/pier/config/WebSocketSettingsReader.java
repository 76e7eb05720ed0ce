package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import java.time.Duration;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Reads a route's {@code websocket { }} over {@code pier.route-defaults.websocket}. Stateless. */
final class WebSocketSettingsReader {

    static final Set<String> KEYS = Set.of("idle-timeout", "max-message-size");

    private WebSocketSettingsReader() {
    }

    /** The route's WebSocket settings; null when a problem was found (and added). */
    static @Nullable WebSocketSettings read(Problems problems, Config route, String path, Config defaults) {
        Config merged = defaults.getConfig("websocket");
        problems.unknownKeys(merged.root(), "pier.route-defaults.websocket", KEYS);
        if (route.hasPath("websocket")) {
            ConfigObject own = problems.get(route, "websocket", path + ".websocket", Config::getObject);
            if (own == null) {
                return null;
            }
            problems.unknownKeys(own, path + ".websocket", KEYS);
            merged = own.toConfig().withFallback(merged);
        }
        Config websocket = merged;
        Function<String, String> key = k -> route.hasPath("websocket." + k)
                ? path + ".websocket." + k : "pier.route-defaults.websocket." + k;
        Duration idle = problems.duration(websocket, "idle-timeout", key.apply("idle-timeout"), true);
        Long size = problems.get(websocket, "max-message-size", key.apply("max-message-size"), Config::getBytes);
        if (size != null && size < 1) {
            problems.add(websocket, "max-message-size", key.apply("max-message-size"),
                    "max-message-size: " + size + " (expected: a size of at least 1 byte)");
            return null;
        }
        if (idle == null || size == null) {
            return null;
        }
        return new WebSocketSettings(idle, size);
    }
}
