package io.mrm.events.auth;

import io.mrm.events.Require;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.util.regex.Pattern;

/** The keys that authenticate records on the bus; none of them prints its secret part. */
public final class BusKeys {

    /** Key ids travel in the record header: short, printable, no separators. */
    static final Pattern KEY_ID = Pattern.compile("[A-Za-z0-9._-]{1,64}");
    /** An HMAC secret shorter than SHA-256's output gives less than its strength. */
    public static final int MIN_SECRET_BYTES = 32;

    private BusKeys() {}

    static String keyId(String id) {
        if (id == null || !KEY_ID.matcher(id).matches()) {
            throw new IllegalArgumentException("key id must be 1-64 characters of [A-Za-z0-9._-], was "
                    + (id == null ? "absent" : "'" + (id.length() > 64 ? id.substring(0, 64) + "..." : id) + "'"));
        }
        return id;
    }

    /** This service's own Ed25519 private key, with which it signs as {@code signer}. */
    public record SigningKey(String id, BusSigner signer, PrivateKey key) {
        public SigningKey {
            keyId(id);
            Require.present("signer", signer);
            Require.present("key", key);
        }

        @Override
        public String toString() {
            return "SigningKey[" + id + ", " + signer.serviceName() + "]";
        }
    }

    /** A public key trusted to sign as {@code signer}; two per signer while its key is rolled over. */
    public record TrustedKey(String id, BusSigner signer, PublicKey key) {
        public TrustedKey {
            keyId(id);
            Require.present("signer", signer);
            Require.present("key", key);
        }
    }

    /**
     * The shared secret that lets a monitor speak for one vantage point (HMAC-SHA256). The monitor
     * holds the secrets of the vantages it speaks for (its own, and the alert sources it receives);
     * the engine holds them all.
     */
    public static final class VantageSecret {
        private final String id;
        private final String vantage;
        private final byte[] secret;

        public VantageSecret(String id, String vantage, byte[] secret) {
            this.id = keyId(id);
            this.vantage = Require.name("vantage", vantage);
            if (secret == null || secret.length < MIN_SECRET_BYTES) {
                throw new IllegalArgumentException("the secret of vantage key '" + id + "' must be at least "
                        + MIN_SECRET_BYTES + " bytes (e.g. `openssl rand -base64 48`), was "
                        + (secret == null ? 0 : secret.length));
            }
            this.secret = secret.clone();
        }

        public String id() {
            return id;
        }

        public String vantage() {
            return vantage;
        }

        byte[] secret() {
            return secret;
        }

        @Override
        public String toString() {
            return "VantageSecret[" + id + ", " + vantage + "]";
        }
    }
}
