package dev.pier.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads {@code pier.server}, limits included. Stateless. */
final class ServerSettingsReader {

    private static final Set<String> SERVER_KEYS =
            Set.of("host", "port", "threads", "shutdown-timeout", "limits");
    private static final Set<String> LIMIT_KEYS =
            Set.of("header-timeout", "body-idle-timeout", "write-idle-timeout",
            "max-header-count", "max-connections");

    private ServerSettingsReader() {
    }

    static ServerSettings read(Problems problems, Config config) {
        problems.unknownKeys(config.getObject("pier.server"), "pier.server", SERVER_KEYS);
        String host = problems.get(config, "pier.server.host", "pier.server.host", Config::getString);
        Integer port = problems.get(config, "pier.server.port", "pier.server.port", Config::getInt);
        if (port != null && (port < 0 || port > 65535)) {
            problems.add(config, "pier.server.port", "pier.server.port", "port: " + port + " (expected: 0-65535)");
        }
        Integer threads = problems.atLeast(config, "pier.server.threads", "pier.server.threads", 4);
        Duration shutdown = problems.duration(config, "pier.server.shutdown-timeout", "pier.server.shutdown-timeout",
                false);
        return new ServerSettings(host == null ? "" : host, port == null ? 0 : port,
                threads == null ? 4 : threads, shutdown == null ? Duration.ZERO : shutdown, readLimits(problems, config));
    }

    private static ClientLimits readLimits(Problems problems, Config config) {
        String at = "pier.server.limits";
        problems.unknownKeys(config.getObject(at), at, LIMIT_KEYS);
        Duration header = problems.duration(config, at + ".header-timeout", at + ".header-timeout", true);
        Duration body = problems.duration(config, at + ".body-idle-timeout", at + ".body-idle-timeout", true);
        Duration write = problems.duration(config, at + ".write-idle-timeout", at + ".write-idle-timeout", true);
        Integer headers = problems.atLeast(config, at + ".max-header-count", at + ".max-header-count", 1);
        Integer connections = problems.atLeast(config, at + ".max-connections", at + ".max-connections", 1);
        return new ClientLimits(orZero(header), orZero(body), orZero(write), headers == null ? 1 : headers,
                connections == null ? 1 : connections);
    }

    private static Duration orZero(@Nullable Duration d) {
        return d == null ? Duration.ZERO : d;
    }
}
