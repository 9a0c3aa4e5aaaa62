package io.mrm.health.adapter.alert;

import io.mrm.kafka.SecretReference;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.Base64;

/**
 * What a webhook caller must present: {@code Authorization: Bearer <token>}, or, when a user name is
 * configured, {@code Authorization: Basic base64(user:token)}. The token is read from its secret
 * reference at every call (a rotated file takes effect at once) and compared in constant time.
 */
public final class WebhookCredentials {

    /** The outcome of checking a call. */
    public enum Verdict {
        ACCEPTED,
        REFUSED,
        UNAVAILABLE
    }

    private final SecretReference token;
    private final String username;

    /** @param username null for bearer tokens; else the basic-auth user, with the token as password */
    public WebhookCredentials(SecretReference token, String username) {
        this.token = token;
        this.username = username == null || username.isBlank() ? null : username;
    }

    /** The {@code WWW-Authenticate} challenge to send with a 401. */
    public String challenge() {
        return username == null ? "Bearer realm=\"mrm-alerts\"" : "Basic realm=\"mrm-alerts\"";
    }

    public Verdict check(String authorization) {
        String secret;
        try {
            secret = token.read();
        } catch (IllegalStateException e) {
            return Verdict.UNAVAILABLE;
        }
        if (authorization == null) {
            return Verdict.REFUSED;
        }
        String expected = username == null
                ? "Bearer " + secret
                : "Basic "
                        + Base64.getEncoder()
                                .encodeToString((username + ":" + secret).getBytes(StandardCharsets.UTF_8));
        return MessageDigest.isEqual(
                        expected.getBytes(StandardCharsets.UTF_8),
                        authorization.trim().getBytes(StandardCharsets.UTF_8))
                ? Verdict.ACCEPTED
                : Verdict.REFUSED;
    }

    public SecretReference token() {
        return token;
    }
}
