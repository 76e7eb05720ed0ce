package dev.pier.tls;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/**
 * A private key and its certificate chain, read from PEM files (certificates by the JDK, the key by a small
 * PKCS#8 decoder) or from a PKCS#12 key store, and checked to belong together. Immutable.
 */
public final class KeyMaterial {

    /** The password of the in-memory key store that {@link #keyStore()} builds; never leaves this process. */
    public static final String STORE_PASSWORD = "pier";
    private static final String ALIAS = "pier";
    private static final String[] KEY_ALGORITHMS = {"RSA", "EC", "Ed25519", "Ed448", "RSASSA-PSS"};

    private final PrivateKey key;
    private final List<X509Certificate> chain;

    private KeyMaterial(PrivateKey key, List<X509Certificate> chain) {
        this.key = key;
        this.chain = List.copyOf(chain);
    }

    /**
     * Reads a PEM certificate chain (the server's first) and a PEM PKCS#8 private key.
     *
     * @throws TlsFileException naming the file and what is wrong with it, and how to fix an old key format
     */
    public static KeyMaterial fromPem(Path certificate, Path key) {
        List<X509Certificate> chain = certificates(certificate);
        if (chain.isEmpty()) {
            throw new TlsFileException(certificate + ": no certificate in it (expected: PEM, -----BEGIN CERTIFICATE-----)");
        }
        PrivateKey privateKey = privateKey(key);
        checkPair(privateKey, chain.get(0), key);
        return new KeyMaterial(privateKey, chain);
    }

    /** Reads the first key entry of a PKCS#12 key store. */
    public static KeyMaterial fromKeyStore(Path keyStore, String password) {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password.toCharArray());
            for (String alias : java.util.Collections.list(store.aliases())) {
                if (store.isKeyEntry(alias)) {
                    PrivateKey privateKey = (PrivateKey) store.getKey(alias, password.toCharArray());
                    List<X509Certificate> chain = new ArrayList<>();
                    for (Certificate c : store.getCertificateChain(alias)) {
                        chain.add((X509Certificate) c);
                    }
                    return new KeyMaterial(privateKey, chain);
                }
            }
            throw new TlsFileException(keyStore + ": no private key entry in this key store");
        } catch (IOException | GeneralSecurityException e) {
            throw new TlsFileException(keyStore + ": cannot read it as a PKCS#12 key store with this password ("
                    + e.getMessage() + ")", e);
        }
    }

    /** Every certificate of a PEM file, in order. */
    public static List<X509Certificate> certificates(Path file) {
        try (InputStream in = Files.newInputStream(file)) {
            List<X509Certificate> chain = new ArrayList<>();
            for (Certificate c : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
                chain.add((X509Certificate) c);
            }
            return chain;
        } catch (IOException e) {
            throw new TlsFileException(file + ": cannot read it (" + e.getMessage() + ")", e);
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(file + ": not a PEM certificate (" + e.getMessage() + ")", e);
        }
    }

    private static PrivateKey privateKey(Path file) {
        String text;
        try {
            text = Files.readString(file, StandardCharsets.US_ASCII);
        } catch (IOException e) {
            throw new TlsFileException(file + ": cannot read it (" + e.getMessage() + ")", e);
        }
        String convert = "; convert it: openssl pkcs8 -topk8 -nocrypt -in " + file.getFileName()
                + " -out key-pkcs8.pem";
        if (text.contains("-----BEGIN RSA PRIVATE KEY-----") || text.contains("-----BEGIN EC PRIVATE KEY-----")) {
            throw new TlsFileException(file + ": a key in the older PKCS#1/SEC1 form (expected: PKCS#8, "
                    + "-----BEGIN PRIVATE KEY-----)" + convert);
        }
        if (text.contains("-----BEGIN ENCRYPTED PRIVATE KEY-----")) {
            throw new TlsFileException(file + ": an encrypted key (expected: an unencrypted PKCS#8 key, or a "
                    + "PKCS#12 key-store with key-store-password)" + convert);
        }
        int begin = text.indexOf("-----BEGIN PRIVATE KEY-----");
        int end = text.indexOf("-----END PRIVATE KEY-----");
        if (begin < 0 || end < begin) {
            throw new TlsFileException(file + ": no private key in it (expected: PEM PKCS#8, -----BEGIN PRIVATE KEY-----)");
        }
        byte[] der;
        try {
            der = Base64.getMimeDecoder().decode(text.substring(begin + "-----BEGIN PRIVATE KEY-----".length(), end));
        } catch (IllegalArgumentException e) {
            throw new TlsFileException(file + ": the key is not valid base64", e);
        }
        PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(der);
        for (String algorithm : KEY_ALGORITHMS) {
            try {
                return KeyFactory.getInstance(algorithm).generatePrivate(spec);
            } catch (GeneralSecurityException notThisOne) {
                // try the next algorithm
            }
        }
        throw new TlsFileException(file + ": a PKCS#8 key of an algorithm Pier does not know (expected: RSA, EC, "
                + "Ed25519, Ed448)");
    }

    /** Signs and verifies a few bytes: the key must be the certificate's. */
    private static void checkPair(PrivateKey key, X509Certificate certificate, Path keyFile) {
        PublicKey publicKey = certificate.getPublicKey();
        String algorithm = switch (key.getAlgorithm()) {
            case "RSA" -> "SHA256withRSA";
            case "EC" -> "SHA256withECDSA";
            case "RSASSA-PSS" -> "RSASSA-PSS";
            default -> key.getAlgorithm();
        };
        try {
            byte[] probe = "pier".getBytes(StandardCharsets.US_ASCII);
            Signature signer = Signature.getInstance(algorithm);
            if ("RSASSA-PSS".equals(algorithm)) {
                signer.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            signer.initSign(key);
            signer.update(probe);
            byte[] signature = signer.sign();
            Signature verifier = Signature.getInstance(algorithm);
            if ("RSASSA-PSS".equals(algorithm)) {
                verifier.setParameter(new java.security.spec.PSSParameterSpec("SHA-256", "MGF1",
                        java.security.spec.MGF1ParameterSpec.SHA256, 32, 1));
            }
            verifier.initVerify(publicKey);
            verifier.update(probe);
            if (!verifier.verify(signature)) {
                throw new TlsFileException(keyFile + ": this key does not belong to the certificate ("
                        + certificate.getSubjectX500Principal().getName() + ")");
            }
        } catch (GeneralSecurityException e) {
            throw new TlsFileException(keyFile + ": this key does not belong to the certificate ("
                    + e.getMessage() + ")", e);
        }
    }

    /** An in-memory PKCS#12 key store holding this key and chain, with {@link #STORE_PASSWORD}. */
    public KeyStore keyStore() {
        try {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(null, null);
            store.setKeyEntry(ALIAS, key, STORE_PASSWORD.toCharArray(), chain.toArray(new Certificate[0]));
            return store;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot build an in-memory key store", e);
        }
    }

    /** The server's own certificate. */
    public X509Certificate certificate() {
        return chain.get(0);
    }

    /** What a key is, for log lines. */
    @Override
    public String toString() {
        return requireNonNull(certificate().getSubjectX500Principal().getName()) + " (until "
                + certificate().getNotAfter().toInstant() + ")";
    }
}
