package dev.pier.embedded;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.typesafe.config.ConfigException;
import dev.pier.config.SettingsLoader;
import dev.pier.testing.PierHarness;
import dev.pier.testing.TestBackend;
import dev.pier.testing.TestCertificates;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.awaitility.Awaitility;
import org.eclipse.jetty.client.ContentResponse;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.http2.client.HTTP2Client;
import org.eclipse.jetty.http2.client.transport.HttpClientTransportOverHTTP2;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** TLS on Pier's own listener: HTTPS and HTTP/2 by ALPN, h2c with prior knowledge, redirects, reloads. */
@Timeout(90)
class TlsListenerTest {

    @TempDir
    Path dir;
    private final TestBackend backend = TestBackend.start("a");
    private PierHarness pier;

    @AfterEach
    void stop() {
        if (pier != null) {
            pier.close();
        }
        backend.close();
    }

    private TestCertificates.Issued start(TestCertificates ca, String extra) {
        TestCertificates.Issued issued = ca.issue(dir, "pier");
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                server { https-port = 0, tls { certificate = "%s", key = "%s" }
                  %s }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(issued.chain(), issued.key(), extra, backend.url()));
        pier.awaitReady();
        return issued;
    }

    private HttpClient client(TestCertificates ca, HttpClient.Version version) {
        return HttpClient.newBuilder().sslContext(ca.trusting()).version(version)
                .followRedirects(HttpClient.Redirect.NEVER).connectTimeout(Duration.ofSeconds(10)).build();
    }

    private HttpResponse<String> get(HttpClient client, String url) throws Exception {
        return client.send(HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void httpsAnswersOverHttp2ByAlpnAndOverHttp11AndTellsTheBackendItWasHttps() throws Exception {
        TestCertificates ca = TestCertificates.newCa("test-ca");
        start(ca, "");
        String url = "https://127.0.0.1:" + pier.httpsPort() + "/echo";
        HttpResponse<String> h2 = get(client(ca, HttpClient.Version.HTTP_2), url);
        assertThat(h2.version()).isEqualTo(HttpClient.Version.HTTP_2);
        assertThat(h2.statusCode()).isEqualTo(200);
        assertThat(h2.body()).contains("header.x-forwarded-proto=https");
        HttpResponse<String> h1 = get(client(ca, HttpClient.Version.HTTP_1_1), url);
        assertThat(h1.version()).isEqualTo(HttpClient.Version.HTTP_1_1);
        assertThat(h1.body()).contains("header.x-forwarded-proto=https").contains("target=/echo");
    }

    @Test
    void aPkcs12KeyStoreServesAsWell() throws Exception {
        TestCertificates ca = TestCertificates.newCa("test-ca");
        TestCertificates.Issued issued = ca.issue(dir, "stored");
        Path store = dir.resolve("pier.p12");
        try (var out = Files.newOutputStream(store)) {
            java.security.KeyStore keyStore = dev.pier.tls.KeyMaterial.fromPem(issued.chain(), issued.key()).keyStore();
            keyStore.store(out, "s3cret".toCharArray());
        }
        // The in-memory store's entry password is Pier's own; the file is re-keyed with the file's password.
        java.security.KeyStore rekeyed = java.security.KeyStore.getInstance("PKCS12");
        try (var in = Files.newInputStream(store)) {
            rekeyed.load(in, "s3cret".toCharArray());
        }
        var entry = rekeyed.getKey("pier", dev.pier.tls.KeyMaterial.STORE_PASSWORD.toCharArray());
        rekeyed.setKeyEntry("pier", entry, "s3cret".toCharArray(), rekeyed.getCertificateChain("pier"));
        try (var out = Files.newOutputStream(store)) {
            rekeyed.store(out, "s3cret".toCharArray());
        }
        pier = PierHarness.start(dir, """
                health-check { interval = 1h }
                server { https-port = 0, tls { key-store = "%s", key-store-password = "s3cret" } }
                routes = [ { prefix = "/", backends = ["%s"] } ]
                """.formatted(store, backend.url()));
        pier.awaitReady();
        assertThat(get(client(ca, HttpClient.Version.HTTP_2), "https://127.0.0.1:" + pier.httpsPort() + "/")
                .statusCode()).isEqualTo(200);
    }

    @Test
    void thePlainPortSpeaksHttp2WithPriorKnowledge() throws Exception {
        start(TestCertificates.newCa("test-ca"), "");
        org.eclipse.jetty.client.HttpClient h2c = new org.eclipse.jetty.client.HttpClient(
                new HttpClientTransportOverHTTP2(new HTTP2Client()));
        h2c.start();
        try {
            ContentResponse response = h2c.newRequest("http://127.0.0.1:" + pier.port() + "/echo")
                    .timeout(20, java.util.concurrent.TimeUnit.SECONDS).send();
            assertThat(response.getVersion()).isEqualTo(HttpVersion.HTTP_2);
            assertThat(response.getStatus()).isEqualTo(200);
            assertThat(response.getContentAsString()).contains("header.x-forwarded-proto=http\n");
        } finally {
            h2c.stop();
        }
    }

    @Test
    void redirectHttpAnswers308ToTheHttpsPort() throws Exception {
        TestCertificates ca = TestCertificates.newCa("test-ca");
        start(ca, "redirect-http = true");
        HttpResponse<String> redirect = get(client(ca, HttpClient.Version.HTTP_1_1),
                "http://127.0.0.1:" + pier.port() + "/a/b?c=1");
        assertThat(redirect.statusCode()).isEqualTo(308);
        assertThat(redirect.headers().firstValue("Location")).hasValue(
                "https://127.0.0.1:" + pier.httpsPort() + "/a/b?c=1");
        assertThat(backend.requests()).isZero();
    }

    @Test
    void aReplacedCertificateServesNewHandshakesWithNoFailedRequestAndABadOneIsRefused() throws Exception {
        TestCertificates ca = TestCertificates.newCa("test-ca");
        TestCertificates.Issued first = start(ca, "");
        String url = "https://127.0.0.1:" + pier.httpsPort() + "/";
        AtomicBoolean running = new AtomicBoolean(true);
        AtomicInteger failed = new AtomicInteger();
        AtomicInteger served = new AtomicInteger();
        Thread load = new Thread(() -> {
            while (running.get() && served.get() < 100_000) {
                try {
                    // A new client per request: a new handshake each time.
                    if (get(client(ca, HttpClient.Version.HTTP_1_1), url).statusCode() == 200) {
                        served.incrementAndGet();
                    } else {
                        failed.incrementAndGet();
                    }
                } catch (Exception e) {
                    failed.incrementAndGet();
                }
            }
        });
        load.start();
        try {
            TestCertificates.Issued second = ca.issue(dir.resolve("next"), "pier-2");
            Files.copy(second.key(), first.key(), StandardCopyOption.REPLACE_EXISTING);
            Files.copy(second.chain(), first.chain(), StandardCopyOption.REPLACE_EXISTING);
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> subject(ca, url).contains("pier-2"));
            int before = served.get();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> served.get() > before + 5);
            // A key that does not belong to the certificate: refused, and pier-2 keeps serving.
            TestCertificates.Issued third = ca.issue(dir.resolve("bad"), "pier-3");
            Files.copy(third.chain(), first.chain(), StandardCopyOption.REPLACE_EXISTING);
            int during = served.get();
            Awaitility.await().atMost(Duration.ofSeconds(20)).until(() -> served.get() > during + 20);
            assertThat(subject(ca, url)).contains("pier-2");
        } finally {
            running.set(false);
            load.join(30_000);
        }
        assertThat(failed.get()).as("failed requests while certificates changed").isZero();
        assertThat(served.get()).isPositive();
    }

    private String subject(TestCertificates ca, String url) throws Exception {
        HttpResponse<String> response = get(client(ca, HttpClient.Version.HTTP_1_1), url);
        X509Certificate certificate = (X509Certificate) response.sslSession().orElseThrow().getPeerCertificates()[0];
        return certificate.getSubjectX500Principal().getName();
    }

    @Test
    void anOldFormatKeyStopsStartUpWithTheCommandThatConvertsIt() throws Exception {
        TestCertificates.Issued issued = TestCertificates.newCa("test-ca").issue(dir, "old");
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                pier {
                  server { https-port = 8443, tls { certificate = "%s", key = "%s" } }
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:9"] } ]
                }
                """.formatted(issued.chain(), issued.pkcs1Key()));
        assertThatThrownBy(() -> SettingsLoader.load(file)).isInstanceOf(ConfigException.class)
                .satisfies(e -> assertThat(SettingsLoader.describe((ConfigException) e))
                        .contains("bad.conf: 2: pier.server.tls.key:").contains("PKCS#1")
                        .contains("openssl pkcs8 -topk8 -nocrypt"));
    }

    @Test
    void aMissingCertificateOrAKeyOfAnotherCertificateStopsStartUpNamingTheKey() throws Exception {
        TestCertificates ca = TestCertificates.newCa("test-ca");
        TestCertificates.Issued one = ca.issue(dir, "one");
        TestCertificates.Issued two = ca.issue(dir, "two");
        Path file = dir.resolve("bad.conf");
        Files.writeString(file, """
                pier {
                  server { https-port = 8443, tls { certificate = "%s", key = "%s" } }
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:9"] } ]
                }
                """.formatted(one.chain(), two.key()));
        assertThatThrownBy(() -> SettingsLoader.load(file))
                .satisfies(e -> assertThat(SettingsLoader.describe((ConfigException) e))
                        .contains("bad.conf: 2: pier.server.tls.key:").contains("does not belong to the certificate"));
        Files.writeString(file, """
                pier {
                  server { https-port = 8443, tls { certificate = "%s", key = "%s" } }
                  routes = [ { prefix = "/", backends = ["http://127.0.0.1:9"] } ]
                }
                """.formatted(dir.resolve("missing.crt"), one.key()));
        assertThatThrownBy(() -> SettingsLoader.load(file))
                .satisfies(e -> assertThat(SettingsLoader.describe((ConfigException) e))
                        .contains("bad.conf: 2: pier.server.tls.certificate:").contains("missing.crt"));
    }
}
