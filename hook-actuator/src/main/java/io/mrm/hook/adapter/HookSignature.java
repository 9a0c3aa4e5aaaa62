package io.mrm.hook.adapter;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.Duration;
import java.time.Instant;
import java.util.HexFormat;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * The signature of an HTTP hook request, the way GitHub and Stripe sign webhooks: header {@code MRM-Timestamp}
 * carries the epoch seconds, header {@code MRM-Signature} carries {@code v1=<hex HMAC-SHA256>} of
 * {@code "<timestamp>.<body>"} under the hook's shared secret.
 *
 * <p>Receivers may copy {@link #verify}: it depends on the JDK alone. It compares in constant time and refuses a
 * timestamp further than {@code tolerance} from the receiver's clock, so a captured request cannot be replayed
 * later; within the tolerance, de-duplicate by the {@code MRM-Delivery} header.
 */
public final class HookSignature {

    public static final String TIMESTAMP_HEADER = "MRM-Timestamp";
    public static final String SIGNATURE_HEADER = "MRM-Signature";
    public static final String DELIVERY_HEADER = "MRM-Delivery";
    private static final String SCHEME = "v1=";

    private HookSignature() {}

    /** The {@code MRM-Signature} header's value for this body sent at {@code epochSeconds}. */
    public static String sign(String secret, long epochSeconds, byte[] body) {
        return SCHEME + HexFormat.of().formatHex(hmac(secret, epochSeconds, body));
    }

    /**
     * Whether a request is authentic and fresh.
     *
     * @param secret          the shared secret
     * @param timestampHeader the {@code MRM-Timestamp} header as received (may be null)
     * @param signatureHeader the {@code MRM-Signature} header as received (may be null); several
     *                        comma-separated {@code v1=} values are accepted while a secret is rotated
     * @param body            the raw request body, exactly as received
     * @param now             the receiver's clock
     * @param tolerance       how far the timestamp may be from {@code now}, e.g. 5 minutes
     */
    public static boolean verify(
            String secret,
            String timestampHeader,
            String signatureHeader,
            byte[] body,
            Instant now,
            Duration tolerance) {
        if (secret == null || timestampHeader == null || signatureHeader == null || body == null) {
            return false;
        }
        long timestamp;
        try {
            timestamp = Long.parseLong(timestampHeader.trim());
        } catch (NumberFormatException e) {
            return false;
        }
        if (Math.abs(now.getEpochSecond() - timestamp) > tolerance.toSeconds()) {
            return false;
        }
        byte[] expected = hmac(secret, timestamp, body);
        boolean valid = false;
        for (String candidate : signatureHeader.split(",")) {
            String value = candidate.trim();
            if (!value.startsWith(SCHEME)) {
                continue;
            }
            byte[] given;
            try {
                given = HexFormat.of().parseHex(value.substring(SCHEME.length()));
            } catch (IllegalArgumentException e) {
                continue;
            }
            // MessageDigest.isEqual takes the same time wherever the first difference is.
            valid |= MessageDigest.isEqual(expected, given);
        }
        return valid;
    }

    private static byte[] hmac(String secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HmacSHA256 is not available in this JDK", e);
        }
    }
}
