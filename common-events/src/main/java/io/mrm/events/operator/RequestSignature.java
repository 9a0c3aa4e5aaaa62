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
 */
public record RequestSignature(String algorithm, String nonce, String value) {

    public static final String ED25519 = "Ed25519";

    public RequestSignature {
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
