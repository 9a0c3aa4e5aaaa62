package io.mrm.hook.adapter;

import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;

/**
 * The TLS identity of an HTTP hook: a client key store for mutual TLS and/or a trust store for a private CA,
 * both files (PKCS12 or JKS), their passwords from the environment or mounted files.
 *
 * @param keyStore           the client's key and certificate chain, or null for no client certificate
 * @param keyStorePassword   its password
 * @param trustStore         the CAs trusted for the hook's server, or null for the JDK's
 * @param trustStorePassword its password
 */
public record HookTls(
        Path keyStore, SecretReference keyStorePassword, Path trustStore, SecretReference trustStorePassword) {

    /**
     * @throws IllegalStateException naming the file (never a password) when a store cannot be read
     */
    public SSLContext sslContext() {
        try {
            KeyManagerFactory keys = null;
            if (keyStore != null) {
                char[] password = keyStorePassword.read().toCharArray();
                keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
                keys.init(load(keyStore, password), password);
            }
            TrustManagerFactory trust = null;
            if (trustStore != null) {
                trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
                trust.init(load(trustStore, trustStorePassword.read().toCharArray()));
            }
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(
                    keys == null ? null : keys.getKeyManagers(), trust == null ? null : trust.getTrustManagers(), null);
            return context;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("cannot use key store " + keyStore + " / trust store " + trustStore + ": "
                    + e.getClass().getSimpleName());
        }
    }

    private static KeyStore load(Path file, char[] password) throws GeneralSecurityException {
        try (InputStream in = Files.newInputStream(file)) {
            // KeyStore.getInstance(File, ...) detects PKCS12 or JKS; with a stream, PKCS12 also reads JKS.
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, password);
            return store;
        } catch (IOException e) {
            throw new IllegalStateException("cannot read key or trust store " + file + ": " + e.getMessage());
        }
    }
}
