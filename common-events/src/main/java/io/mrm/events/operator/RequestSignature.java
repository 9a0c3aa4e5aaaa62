package io.mrm.events.operator;

import io.mrm.events.Require;
import java.util.Base64;

/**
 * An operator's signature over a request (see {@link RequestSigning} for what is signed). The
 * signer is the request's {@code operator}; its issue time is the request's {@code time}.
 *
 * @param algorithm always {@code Ed25519} for now; named so that a verifier never guesses
 * @param nonce     16-128 characters of base64url, fresh per request: a second request with the same
 *                  nonce from the same operator is a replay
 * @param value     the signature, standard base64 (64 bytes for Ed25519)
 * @param clusterId the Kafka cluster the request was signed for (the environment: a request signed for
 *                  staging is not one for production); signed too. Absent only in signatures of the first
 *                  form ({@code mrm-operator-request-v1}), which bound no environment and which the engine
 *                  no longer accepts
 */
public record RequestSignature(String algorithm, String nonce, String value, String clusterId) {

    public static final String ED25519 = "Ed25519";

    /** A signature of the first form, bound to no environment: only to read, or to show it is refused. */
    public RequestSignature(String algorithm, String nonce, String value) {
        this(algorithm, nonce, value, null);
    }

    public RequestSignature {
        Require.optionalClusterId("signature.clusterId", clusterId);
        if (!ED25519.equals(algorithm)) {
            throw new IllegalArgumentException("signature.algorithm must be '" + ED25519 + "', was "
                    + (algorithm == null ? "absent" : "'" + shorten(algorithm) + "'"));
        }
        if (nonce == null || !Require.NONCE.matcher(nonce).matches()) {
            throw new IllegalArgumentException("signature.nonce must be 16-128 characters of [A-Za-z0-9_-]");
        }
        if (value == null || !Require.ED25519_SIGNATURE.matcher(value).matches() || decodedLength(value) != 64) {
            throw new IllegalArgumentException("signature.value must be the 64-byte Ed25519 signature in base64");
        }
    }

    /** The signature's bytes. */
    public byte[] bytes() {
        return Base64.getDecoder().decode(value);
    }

    private static int decodedLength(String value) {
        try {
            return Base64.getDecoder().decode(value).length;
        } catch (IllegalArgumentException e) {
            return -1;
        }
    }

    private static String shorten(String s) {
        return s.length() > 32 ? s.substring(0, 32) + "..." : s;
    }
}
