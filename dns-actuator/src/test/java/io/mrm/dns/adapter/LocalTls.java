package io.mrm.dns.adapter;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * A throw-away certificate for 127.0.0.1, made with the JDK's {@code keytool} when a test starts, for
 * local fakes of services that are only spoken to over https: the server's key store, and a trust store
 * holding only that certificate for the client side.
 */
public final class LocalTls {

    private static final String PASSWORD = "local-test-only";
    private final Path keyStore;
    private final Path trustStore;

    private LocalTls(Path keyStore, Path trustStore) {
        this.keyStore = keyStore;
        this.trustStore = trustStore;
    }

    public static LocalTls create() {
        try {
            Path dir = Files.createTempDirectory("mrm-local-tls");
            Path keyStore = dir.resolve("server.p12");
            Path cert = dir.resolve("server.crt");
            Path trustStore = dir.resolve("trust.p12");
            keytool(
                    "-genkeypair",
                    "-alias",
                    "local",
                    "-keyalg",
                    "EC",
                    "-groupname",
                    "secp256r1",
                    "-validity",
                    "2",
                    "-dname",
                    "CN=127.0.0.1",
                    "-ext",
                    "SAN=ip:127.0.0.1,dns:localhost",
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    PASSWORD,
                    "-keypass",
                    PASSWORD);
            keytool(
                    "-exportcert",
                    "-alias",
                    "local",
                    "-keystore",
                    keyStore.toString(),
                    "-storepass",
                    PASSWORD,
                    "-file",
                    cert.toString());
            keytool(
                    "-importcert",
                    "-noprompt",
                    "-alias",
                    "local",
                    "-file",
                    cert.toString(),
                    "-storetype",
                    "PKCS12",
                    "-keystore",
                    trustStore.toString(),
                    "-storepass",
                    PASSWORD);
            return new LocalTls(keyStore, trustStore);
        } catch (IOException e) {
            throw new IllegalStateException("cannot make a local certificate with keytool", e);
        }
    }

    /** For a server. */
    public SSLContext serverContext() {
        try (InputStream in = Files.newInputStream(keyStore)) {
            KeyStore store = KeyStore.getInstance("PKCS12");
            store.load(in, PASSWORD.toCharArray());
            KeyManagerFactory keys = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
            keys.init(store, PASSWORD.toCharArray());
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(keys.getKeyManagers(), null, null);
            return context;
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public Path trustStore() {
        return trustStore;
    }

    public String trustStorePassword() {
        return PASSWORD;
    }

    private static void keytool(String... args) throws IOException {
        Path keytool = Path.of(System.getProperty("java.home"), "bin", "keytool");
        List<String> command = new java.util.ArrayList<>(List.of(keytool.toString()));
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        try {
            if (!process.waitFor(60, TimeUnit.SECONDS)) {
                process.destroyForcibly();
                throw new IOException("keytool did not finish within 60 s: " + command);
            }
        } catch (InterruptedException e) {
            process.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        String output = new String(process.getInputStream().readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IOException("keytool failed (" + process.exitValue() + "): " + command + "\n" + output);
        }
    }
}
