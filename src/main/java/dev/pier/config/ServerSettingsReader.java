package dev.pier.config;

import com.typesafe.config.Config;
import java.time.Duration;
import java.util.Set;

/** Reads {@code pier.server}, limits included. Stateless. */
final class ServerSettingsReader {

    private static final Set<String> SERVER_KEYS =
            Set.of("host", "port", "threads", "shutdown-timeout", "limits");
    private static final Set<String> LIMIT_KEYS =
            Set.of("header-timeout", "idle-timeout", "max-header-count", "max-connections");

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
        Duration idle = problems.duration(config, at + ".idle-timeout", at + ".idle-timeout", true);
        Integer headers = problems.atLeast(config, at + ".max-header-count", at + ".max-header-count", 1);
        Integer connections = problems.atLeast(config, at + ".max-connections", at + ".max-connections", 1);
        return new ClientLimits(header == null ? Duration.ZERO : header, idle == null ? Duration.ZERO : idle,
                headers == null ? 1 : headers, connections == null ? 1 : connections);
    }
}
