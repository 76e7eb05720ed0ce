package dev.pier.tls;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.eclipse.jetty.util.ssl.SslContextFactory;
import org.jspecify.annotations.Nullable;

/**
 * Jetty's TLS context for Pier's connections to backends: a private CA to trust, a client certificate for mutual
 * TLS, a server name to send as SNI and to check the backend's certificate against (the JDK checks the name the
 * client asked for). Stateless.
 */
public final class ClientContexts {

    private ClientContexts() {
    }

    /**
     * @param trust PEM CA certificates to trust instead of the JDK's; null for the JDK's
     * @param certificate a PEM client certificate chain, with {@code key}; null for none
     * @param serverName the SNI name and the name checked; null for the backend's host
     * @param verify whether the chain and the name are checked at all
     */
    public static SslContextFactory.Client create(@Nullable Path trust, @Nullable Path certificate, @Nullable Path key,
                                                  @Nullable String serverName, boolean verify) {
        SslContextFactory.Client context = serverName == null ? new SslContextFactory.Client()
                : new Named(serverName);
        if (verify) {
            context.setEndpointIdentificationAlgorithm("HTTPS");
        } else {
            context.setTrustAll(true);
            context.setEndpointIdentificationAlgorithm(null);
        }
        if (trust != null) {
            context.setTrustStore(trustStore(KeyMaterial.certificates(trust)));
        }
        if (certificate != null && key != null) {
            context.setKeyStore(KeyMaterial.fromPem(certificate, key).keyStore());
            context.setKeyStorePassword(KeyMaterial.STORE_PASSWORD);
        }
        return context;
    }

    private static KeyStore trustStore(List<X509Certificate> certificates) {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            int i = 0;
            for (X509Certificate certificate : certificates) {
                store.setCertificateEntry("ca-" + i++, certificate);
            }
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an in-memory trust store", e);
        }
    }

    /**
     * A context that asks every backend for one name, whatever its address. The engine's peer host is that name
     * too: the JDK checks the certificate against the SNI name but falls back to the peer host when that fails,
     * so the backend's address must not be the peer host, or a certificate for the address would pass.
     */
    private static final class Named extends SslContextFactory.Client {
        private final String serverName;

        Named(String serverName) {
            this.serverName = serverName;
        }

        @Override
        public SSLEngine newSSLEngine(String host, int port) {
            return super.newSSLEngine(serverName, port);
        }

        @Override
        public void customize(SSLEngine engine) {
            super.customize(engine);
            SSLParameters parameters = engine.getSSLParameters();
            parameters.setServerNames(List.of(new SNIHostName(serverName)));
            engine.setSSLParameters(parameters);
        }
    }
}
