package io.mrm.events.operator;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.MessageDigest;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Ed25519 operator keys in the formats OpenSSL uses: a public key is an X.509 SubjectPublicKeyInfo
 * ({@code -----BEGIN PUBLIC KEY-----}, or its base64 body on one line, as in a YAML setting), a
 * private key is PKCS#8 ({@code -----BEGIN PRIVATE KEY-----}). {@code openssl genpkey -algorithm
 * ed25519} makes keys mrmctl and the engine accept.
 */
public final class OperatorKeys {

    private static final String ALGORITHM = "Ed25519";

    private OperatorKeys() {}

    public static KeyPair generate() {
        try {
            return KeyPairGenerator.getInstance(ALGORITHM).generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make Ed25519 keys (Java 15 or later is needed)", e);
        }
    }

    /** Reads a public key from PEM or from the base64 of its DER; the message says what is wrong, never the key. */
    public static PublicKey publicKey(String text) {
        byte[] der = der(text, "PUBLIC KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePublic(new X509EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 public key (expected an X.509 SubjectPublicKeyInfo, "
                    + "e.g. from `mrmctl keygen` or `openssl pkey -pubout`)");
        }
    }

    /** Reads a private key from PEM (PKCS#8); the message never contains the key. */
    public static PrivateKey privateKey(String text) {
        byte[] der = der(text, "PRIVATE KEY");
        try {
            return KeyFactory.getInstance(ALGORITHM).generatePrivate(new PKCS8EncodedKeySpec(der));
        } catch (GeneralSecurityException | IllegalArgumentException e) {
            throw new IllegalArgumentException("not an Ed25519 private key (expected PKCS#8 PEM, "
                    + "e.g. from `mrmctl keygen` or `openssl genpkey -algorithm ed25519`)");
        }
    }

    public static String pem(PublicKey key) {
        return pem("PUBLIC KEY", key.getEncoded());
    }

    public static String pem(PrivateKey key) {
        return pem("PRIVATE KEY", key.getEncoded());
    }

    /** The base64 of the public key's DER on one line: what a YAML setting holds. */
    public static String oneLine(PublicKey key) {
        return Base64.getEncoder().encodeToString(key.getEncoded());
    }

    /** SHA-256 of the public key's DER, first 16 hex digits: short enough to compare by eye. */
    public static String fingerprint(PublicKey key) {
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(key.getEncoded());
            return "SHA256:" + HexFormat.of().formatHex(hash, 0, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String pem(String label, byte[] der) {
        String body = Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(der);
        return "-----BEGIN " + label + "-----\n" + body + "\n-----END " + label + "-----\n";
    }

    private static byte[] der(String text, String label) {
        if (text == null || text.isBlank()) {
            throw new IllegalArgumentException("the key is empty");
        }
        String body = text.strip();
        String begin = "-----BEGIN " + label + "-----";
        String end = "-----END " + label + "-----";
        if (body.startsWith("-----BEGIN")) {
            int from = body.indexOf(begin);
            int to = body.indexOf(end);
            if (from != 0 || to < 0) {
                throw new IllegalArgumentException("expected a PEM block '" + begin + "'");
            }
            body = body.substring(begin.length(), to);
        }
        try {
            return Base64.getMimeDecoder().decode(body.replaceAll("\\s", ""));
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("the key is not base64");
        }
    }
}
