package dev.pier.config;

import com.typesafe.config.Config;
import dev.pier.tls.TlsFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** Reads {@code pier.server}, limits included. Stateless. */
final class ServerSettingsReader {

    private static final Set<String> SERVER_KEYS =
            Set.of("host", "port", "https-port", "redirect-http", "tls", "threads",
            "shutdown-timeout", "limits");
    private static final Set<String> TLS_KEYS = Set.of("certificate", "key", "key-store", "key-store-password");
    private static final Set<String> LIMIT_KEYS =
            Set.of("header-timeout", "body-idle-timeout", "write-idle-timeout",
            "max-header-count", "max-connections");

    private ServerSettingsReader() {
    }

    static ServerSettings read(Problems problems, Config config) {
        problems.unknownKeys(config.getObject("pier.server"), "pier.server", SERVER_KEYS);
        String host = problems.get(config, "pier.server.host", "pier.server.host", Config::getString);
        Integer port = portOrOff(problems, config, "pier.server.port");
        Integer httpsPort = portOrOff(problems, config, "pier.server.https-port");
        Boolean redirect = problems.get(config, "pier.server.redirect-http", "pier.server.redirect-http",
                Config::getBoolean);
        if (port != null && httpsPort != null && port < 0 && httpsPort < 0) {
            problems.add(config, "pier.server.port", "pier.server.port",
                    "port: off, and https-port is off too (expected: at least one port to listen on)");
        }
        if (Boolean.TRUE.equals(redirect) && (port == null || port < 0 || httpsPort == null || httpsPort < 0)) {
            problems.add(config, "pier.server.redirect-http", "pier.server.redirect-http",
                    "redirect-http: true needs both port and https-port");
        }
        ServerTls tls = readTls(problems, config, httpsPort != null && httpsPort >= 0);
        Integer threads = problems.atLeast(config, "pier.server.threads", "pier.server.threads", 4);
        Duration shutdown = problems.duration(config, "pier.server.shutdown-timeout", "pier.server.shutdown-timeout",
                false);
        return new ServerSettings(host == null ? "" : host, port == null ? 0 : port,
                httpsPort == null ? -1 : httpsPort, Boolean.TRUE.equals(redirect), tls,
                threads == null ? 4 : threads, shutdown == null ? Duration.ZERO : shutdown, readLimits(problems, config));
    }

    /** A port number, or -1 for {@code off}. */
    private static @Nullable Integer portOrOff(Problems problems, Config config, String key) {
        if (config.hasPath(key) && "off".equals(config.getValue(key).unwrapped())) {
            return -1;
        }
        Integer port = problems.get(config, key, key, Config::getInt);
        if (port != null && (port < 0 || port > 65535)) {
            problems.add(config, key, key, "port: " + port + " (expected: 0-65535, or off)");
            return null;
        }
        return port;
    }

    /**
     * The TLS files, read once here so that a bad one stops start-up with its key; null without a TLS port.
     */
    private static @Nullable ServerTls readTls(Problems problems, Config config, boolean wanted) {
        String at = "pier.server.tls";
        problems.unknownKeys(config.getObject(at), at, TLS_KEYS);
        String certificate = problems.get(config, at + ".certificate", at + ".certificate", Config::getString);
        String key = problems.get(config, at + ".key", at + ".key", Config::getString);
        String keyStore = problems.get(config, at + ".key-store", at + ".key-store", Config::getString);
        String password = problems.get(config, at + ".key-store-password", at + ".key-store-password",
                Config::getString);
        if (certificate == null || key == null || keyStore == null || password == null) {
            return null;
        }
        boolean pem = !certificate.isEmpty() || !key.isEmpty();
        if (!wanted) {
            if (pem || !keyStore.isEmpty()) {
                problems.add(config, at, at, "tls is set but https-port is off (expected: https-port = 8443, say)");
            }
            return null;
        }
        if (pem && !keyStore.isEmpty()) {
            problems.add(config, at + ".key-store", at + ".key-store",
                    "both PEM files and a key store (expected: certificate and key, or key-store)");
            return null;
        }
        ServerTls tls;
        String blame;
        if (!keyStore.isEmpty()) {
            tls = new ServerTls(null, null, Path.of(keyStore), password);
            blame = at + ".key-store";
        } else if (!certificate.isEmpty() && !key.isEmpty()) {
            tls = new ServerTls(Path.of(certificate), Path.of(key), null, "");
            blame = null;
        } else {
            problems.add(config, at, at, "https-port is set without TLS files (expected: certificate and key, "
                    + "PEM, or key-store, PKCS#12)");
            return null;
        }
        try {
            tls.load();
            return tls;
        } catch (TlsFileException e) {
            String where = blame != null ? blame
                    : e.getMessage().startsWith(String.valueOf(tls.key())) ? at + ".key" : at + ".certificate";
            problems.add(config, where, where, e.getMessage());
            return null;
        }
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
