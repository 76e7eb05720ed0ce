package dev.pier.config;

import com.typesafe.config.Config;
import com.typesafe.config.ConfigObject;
import dev.pier.tls.KeyMaterial;
import dev.pier.tls.TlsFileException;
import java.nio.file.Path;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/** Reads a route's {@code tls { }} (over {@code pier.route-defaults.tls}), reading its files once. Stateless. */
final class BackendTlsReader {

    static final Set<String> KEYS = Set.of("trust", "certificate", "key", "server-name", "verify");

    private BackendTlsReader() {
    }

    /** The route's TLS settings; null when a problem was found (and added). */
    static @Nullable BackendTls read(Problems problems, Config route, String path, Config defaults) {
        Config merged = defaults.getConfig("tls");
        problems.unknownKeys(merged.root(), "pier.route-defaults.tls", KEYS);
        if (route.hasPath("tls")) {
            ConfigObject own = problems.get(route, "tls", path + ".tls", Config::getObject);
            if (own == null) {
                return null;
            }
            problems.unknownKeys(own, path + ".tls", KEYS);
            merged = own.toConfig().withFallback(merged);
        }
        Config tls = merged;
        Function<String, String> key = k -> route.hasPath("tls." + k) ? path + ".tls." + k : "pier.route-defaults.tls." + k;
        String trust = problems.get(tls, "trust", key.apply("trust"), Config::getString);
        String certificate = problems.get(tls, "certificate", key.apply("certificate"), Config::getString);
        String privateKey = problems.get(tls, "key", key.apply("key"), Config::getString);
        String serverName = problems.get(tls, "server-name", key.apply("server-name"), Config::getString);
        Boolean verify = problems.get(tls, "verify", key.apply("verify"), Config::getBoolean);
        if (trust == null || certificate == null || privateKey == null || serverName == null || verify == null) {
            return null;
        }
        int before = problems.size();
        if (!trust.isEmpty()) {
            try {
                if (KeyMaterial.certificates(Path.of(trust)).isEmpty()) {
                    problems.add(tls, "trust", key.apply("trust"), trust + ": no certificate in it (expected: PEM)");
                }
            } catch (TlsFileException e) {
                problems.add(tls, "trust", key.apply("trust"), e.getMessage());
            }
        }
        if (certificate.isEmpty() != privateKey.isEmpty()) {
            String missing = certificate.isEmpty() ? "certificate" : "key";
            problems.add(tls, missing.equals("key") ? "certificate" : "key", key.apply(missing),
                    "a client certificate needs both certificate and key (PEM, the key PKCS#8)");
        } else if (!certificate.isEmpty()) {
            try {
                KeyMaterial.fromPem(Path.of(certificate), Path.of(privateKey));
            } catch (TlsFileException e) {
                String blame = e.getMessage().startsWith(privateKey) ? "key" : "certificate";
                problems.add(tls, blame, key.apply(blame), e.getMessage());
            }
        }
        if (!serverName.isEmpty() && !serverName.matches("[A-Za-z0-9]([A-Za-z0-9-]{0,62})(\\.[A-Za-z0-9]([A-Za-z0-9-]{0,62}))*")) {
            problems.add(tls, "server-name", key.apply("server-name"), "server-name: '" + serverName
                    + "' (expected: a host name such as api.internal)");
        }
        if (problems.size() > before) {
            return null;
        }
        return new BackendTls(trust.isEmpty() ? null : Path.of(trust), certificate.isEmpty() ? null : Path.of(certificate),
                privateKey.isEmpty() ? null : Path.of(privateKey), serverName.isEmpty() ? null : serverName, verify);
    }
}
