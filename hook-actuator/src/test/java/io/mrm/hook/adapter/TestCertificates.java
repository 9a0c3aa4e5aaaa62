package io.mrm.hook.adapter;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Key stores made at test time with the JDK's keytool: a server key (CN=localhost, SAN 127.0.0.1), a client key
 * for mutual TLS, and a trust store for each side holding the other's certificate. All PKCS12, one password.
 */
record TestCertificates(Path serverKeys, Path serverTrust, Path clientKeys, Path clientTrust) {

    static final String PASSWORD = "test-store-password";

    static TestCertificates create(Path dir) throws IOException, InterruptedException {
        TestCertificates c = new TestCertificates(
                dir.resolve("server-keys.p12"),
                dir.resolve("server-trust.p12"),
                dir.resolve("client-keys.p12"),
                dir.resolve("client-trust.p12"));
        genkey(c.serverKeys, "server", "CN=localhost", "SAN=ip:127.0.0.1,dns:localhost");
        genkey(c.clientKeys, "client", "CN=mrm-hook-actuator", null);
        Path serverCert = dir.resolve("server.crt");
        Path clientCert = dir.resolve("client.crt");
        keytool(
                "-exportcert",
                "-alias",
                "server",
                "-keystore",
                c.serverKeys.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                serverCert.toString());
        keytool(
                "-exportcert",
                "-alias",
                "client",
                "-keystore",
                c.clientKeys.toString(),
                "-storepass",
                PASSWORD,
                "-file",
                clientCert.toString());
        trust(c.clientTrust, "server", serverCert);
        trust(c.serverTrust, "client", clientCert);
        return c;
    }

    private static void genkey(Path store, String alias, String dname, String san)
            throws IOException, InterruptedException {
        List<String> args = new ArrayList<>(List.of(
                "-genkeypair",
                "-alias",
                alias,
                "-keyalg",
                "EC",
                "-groupname",
                "secp256r1",
                "-dname",
                dname,
                "-validity",
                "2",
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD));
        if (san != null) {
            args.add("-ext");
            args.add(san);
        }
        keytool(args.toArray(String[]::new));
    }

    private static void trust(Path store, String alias, Path cert) throws IOException, InterruptedException {
        keytool(
                "-importcert",
                "-noprompt",
                "-alias",
                alias,
                "-file",
                cert.toString(),
                "-storetype",
                "PKCS12",
                "-keystore",
                store.toString(),
                "-storepass",
                PASSWORD);
    }

    private static void keytool(String... args) throws IOException, InterruptedException {
        List<String> command = new ArrayList<>();
        command.add(Path.of(System.getProperty("java.home"), "bin", "keytool").toString());
        command.addAll(List.of(args));
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        // generous: keytool is a JVM start on a busy machine
        if (!process.waitFor(5, TimeUnit.MINUTES)) {
            process.destroyForcibly();
            throw new IllegalStateException("keytool did not finish: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (process.exitValue() != 0) {
            throw new IllegalStateException("keytool failed (" + process.exitValue() + "): " + output);
        }
    }
}
