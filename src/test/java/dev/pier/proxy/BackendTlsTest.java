package dev.pier.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import dev.pier.testing.TestCertificates;
import dev.pier.tls.KeyMaterial;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS to backends: a private CA, mutual TLS, the server name sent and checked, and verification off. */
@Timeout(60)
class BackendTlsTest {

    @TempDir
    Path dir;
    private final TestCertificates ca = TestCertificates.newCa("internal-ca");
    private TestBackend backend;
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        if (backend != null) {
            backend.close();
        }
    }

    /** An HTTPS backend whose certificate the private CA signed, asking for a client certificate when told. */
    private void startBackend(boolean needClientCertificate) throws Exception {
        TestCertificates.Issued issued = ca.issue(dir, "backend");
        SslContextFactory.Server tls = new SslContextFactory.Server();
        tls.setKeyStore(KeyMaterial.fromPem(issued.chain(), issued.key()).keyStore());
        tls.setKeyStorePassword(KeyMaterial.STORE_PASSWORD);
        if (needClientCertificate) {
            KeyStore trust = KeyStore.getInstance("PKCS12");
            trust.load(null, null);
            trust.setCertificateEntry("ca", ca.ca());
            tls.setTrustStore(trust);
            tls.setNeedClientAuth(true);
        }
        backend = TestBackend.startHttps("secure", tls);
    }

    private int statusThrough(String tls) throws Exception {
        Path config = Files.createDirectories(dir.resolve("pier-" + Integer.toHexString(tls.hashCode())));
        pier = PierHarness.start(config, """
                health-check { interval = 1h }
                routes = [ { prefix = "/", retries = 0, tls { %s }, backends = ["%s"] } ]
                """.formatted(tls, backend.url()));
        pier.awaitReady();
        // The HTTP probes speak the route's TLS too: a backend they cannot reach is down, and Pier answers 503.
        int status = pier.get("/").getStatus();
        pier.close();
        pier = null;
        return status;
    }

    @Test
    void aBackendSignedByAPrivateCaIsTrustedOnlyWhenTheRouteTrustsIt() throws Exception {
        startBackend(false);
        Path trust = ca.writeCa(dir.resolve("internal-ca.pem"));
        assertThat(statusThrough("trust = \"" + trust + "\"")).isEqualTo(200);
        assertThat(statusThrough("")).isEqualTo(503);
    }

    @Test
    void mutualTlsIsAcceptedWithTheClientCertificateAndRefusedWithout() throws Exception {
        startBackend(true);
        Path trust = ca.writeCa(dir.resolve("internal-ca.pem"));
        TestCertificates.Issued client = ca.issue(dir.resolve("client"), "pier-client");
        assertThat(statusThrough("trust = \"%s\", certificate = \"%s\", key = \"%s\""
                .formatted(trust, client.chain(), client.key()))).isEqualTo(200);
        assertThat(statusThrough("trust = \"" + trust + "\"")).isEqualTo(503);
    }

    @Test
    void theServerNameIsTheNameChecked() throws Exception {
        startBackend(false);
        Path trust = ca.writeCa(dir.resolve("internal-ca.pem"));
        assertThat(statusThrough("trust = \"%s\", server-name = \"localhost\"".formatted(trust))).isEqualTo(200);
        assertThat(statusThrough("trust = \"%s\", server-name = \"wrong.example\"".formatted(trust))).isEqualTo(503);
    }

    @Test
    void verifyFalseAcceptsAnyCertificate() throws Exception {
        startBackend(false);
        assertThat(statusThrough("verify = false")).isEqualTo(200);
    }
}
