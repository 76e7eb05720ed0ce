package dev.pier.config;

import dev.pier.tls.KeyMaterial;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where the embedded server's TLS key and certificates are: PEM files, or a PKCS#12 key store. Immutable.
 *
 * @param certificate the PEM certificate chain, the server's first; null with a key store
 * @param key the PEM PKCS#8 private key; null with a key store
 * @param keyStore the PKCS#12 key store; null with PEM files
 */
public record ServerTls(@Nullable Path certificate, @Nullable Path key, @Nullable Path keyStore,
                        String keyStorePassword) {

    /** Reads the files as they are now; a certificate reload reads them again. */
    public KeyMaterial load() {
        if (keyStore != null) {
            return KeyMaterial.fromKeyStore(keyStore, keyStorePassword);
        }
        if (certificate == null || key == null) {
            throw new IllegalStateException("neither PEM files nor a key store");
        }
        return KeyMaterial.fromPem(certificate, key);
    }
}
