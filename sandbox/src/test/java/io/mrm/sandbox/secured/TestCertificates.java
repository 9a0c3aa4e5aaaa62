package io.mrm.sandbox.secured;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * A test certificate authority and one broker certificate signed by it, made at test time with the
 * JDK's own {@code keytool} (nothing is committed): the broker's PKCS12 key store, and the CA's
 * certificate as PEM for the clients' trust store (as Strimzi hands out {@code ca.crt}).
 *
 * @param caCertificate     the CA certificate (PEM)
 * @param brokerKeyStore    the broker's key and its chain (PKCS12)
 * @param keyStorePassword  the key store's (and key's) password
 * @param brokerDn          the broker certificate's subject: its principal on a listener with client certificates
 */
record TestCertificates(Path caCertificate, Path brokerKeyStore, String keyStorePassword, String brokerDn) {

    static TestCertificates make(Path dir, String password) throws IOException, InterruptedException {
        Path ca = dir.resolve("ca.p12");
        Path caPem = dir.resolve("ca.crt");
        Path broker = dir.resolve("broker.p12");
        Path csr = dir.resolve("broker.csr");
        Path brokerPem = dir.resolve("broker.crt");
        String dn = "CN=mrm-test-broker";
        String[] ec = {"-keyalg", "EC", "-groupname", "secp256r1", "-validity", "2"};
        keytool(concat(
                new String[] {
                    "-genkeypair",
                    "-alias",
                    "ca",
                    "-dname",
                    "CN=mrm-test-ca",
                    "-ext",
                    "bc:c",
                    "-keystore",
                    ca.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    password
                },
                ec));
        keytool(
                "-exportcert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                password,
                "-file",
                caPem.toString());
        keytool(concat(
                new String[] {
                    "-genkeypair",
                    "-alias",
                    "broker",
                    "-dname",
                    dn,
                    "-keystore",
                    broker.toString(),
                    "-storetype",
                    "PKCS12",
                    "-storepass",
                    password
                },
                ec));
        keytool(
                "-certreq",
                "-alias",
                "broker",
                "-keystore",
                broker.toString(),
                "-storepass",
                password,
                "-file",
                csr.toString());
        // the clients reach the broker as localhost; the broker's own client certificate (controller listener)
        keytool(
                "-gencert",
                "-rfc",
                "-alias",
                "ca",
                "-keystore",
                ca.toString(),
                "-storepass",
                password,
                "-infile",
                csr.toString(),
                "-outfile",
                brokerPem.toString(),
                "-validity",
                "2",
                "-ext",
                "SAN=dns:localhost,ip:127.0.0.1",
                "-ext",
                "EKU=serverAuth,clientAuth");
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "ca",
                "-file",
                caPem.toString(),
                "-keystore",
                broker.toString(),
                "-storepass",
                password);
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                "broker",
                "-file",
                brokerPem.toString(),
                "-keystore",
                broker.toString(),
                "-storepass",
                password);
        return new TestCertificates(caPem, broker, password, dn);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (!process.waitFor(60, TimeUnit.SECONDS) || process.exitValue() != 0) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool " + args[0] + " failed: " + output);
        }
    }

    private static String[] concat(String[] a, String[] b) {
        String[] all = new String[a.length + b.length];
        System.arraycopy(a, 0, all, 0, a.length);
        System.arraycopy(b, 0, all, a.length, b.length);
        return all;
    }
}
