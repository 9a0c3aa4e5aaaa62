package io.mrm.events.auth;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.Topics;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusKeys.VantageSecret;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.readiness.ReadinessReport;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * Authenticates the records whose forgery would move the control loop, whoever can write to their
 * topic: commands carry the engine's Ed25519 signature, acknowledgements and readiness reports the signature of the
 * actuator they name, observations an HMAC-SHA256 under the secret of the vantage point they name.
 * Other records (decisions, topology, journal, dead letters) are written by the engine alone and
 * protected by the broker's ACLs; operator requests carry their operator's signature in the body.
 *
 * <p>What is authenticated: the UTF-8 bytes of {@code "mrm-bus-v1\n" + environment + "\n" + topic +
 * "\n" + key + "\n" + ce_type + "\n" + ce_id + "\n"} followed by the record's value. The topic is the
 * deployment's topic name (with its prefix) and the environment names the deployment, so a record
 * signed in staging does not verify in production, nor on another topic, nor under another key; the
 * value holds every field the consumer acts on (the consumer checks that {@code ce_id} and the key
 * agree with it). The signature travels in the header {@value #HEADER}:
 * {@code "<scheme> <key id> <base64>"}, scheme {@code ed25519} or {@code hmac-sha256}.
 *
 * <p>Rotation: a verifier accepts any of its trusted keys for the signer, so a new key is trusted
 * everywhere first, then the signer switches to it, then the old one is removed.
 */
public final class RecordAuthenticator {

    public static final String HEADER = "mrm_auth";
    static final String ED25519 = "ed25519";
    static final String HMAC = "hmac-sha256";
    private static final byte[] PREFIX = "mrm-bus-v1\n".getBytes(StandardCharsets.UTF_8);
    private static final RecordAuthenticator OFF = new RecordAuthenticator(false, "", null, List.of(), List.of());

    private final boolean required;
    /** The environment and its newline, as every authenticated byte string carries them. */
    private final byte[] environmentLine;

    private final SigningKey signingKey;
    private final Map<String, TrustedKey> trusted;
    private final Map<String, VantageSecret> vantageSecrets;
    /** The key a monitor signs with per vantage: the first one listed for it. */
    private final Map<String, VantageSecret> signingSecrets;
    /** Mac.init computes the HMAC pads; an initialised instance per key and thread is reused. */
    private final ThreadLocal<Map<String, Mac>> macs = ThreadLocal.withInitial(HashMap::new);

    private RecordAuthenticator(
            boolean required,
            String environment,
            SigningKey signingKey,
            List<TrustedKey> trusted,
            List<VantageSecret> vantageSecrets) {
        this.required = required;
        this.environmentLine = (environment + "\n").getBytes(StandardCharsets.UTF_8);
        this.signingKey = signingKey;
        this.trusted = byId(trusted, TrustedKey::id);
        this.vantageSecrets = byId(vantageSecrets, VantageSecret::id);
        Map<String, VantageSecret> signing = new LinkedHashMap<>();
        vantageSecrets.forEach(s -> signing.putIfAbsent(s.vantage(), s));
        this.signingSecrets = Map.copyOf(signing);
    }

    /** Neither signs nor checks anything: an unauthenticated bus, for a development stack only. */
    public static RecordAuthenticator off() {
        return OFF;
    }

    /**
     * @param environment    names the deployment (e.g. {@code prod-eu}); part of every authenticated byte string
     * @param signingKey     this service's own key, if it signs commands or acknowledgements
     * @param trusted        the public keys of the signers whose records this service reads
     * @param vantageSecrets the vantage secrets this service signs observations with (a monitor) or
     *                       checks them with (the engine)
     */
    public static RecordAuthenticator required(
            String environment,
            Optional<SigningKey> signingKey,
            List<TrustedKey> trusted,
            List<VantageSecret> vantageSecrets) {
        if (environment == null
                || environment.isBlank()
                || environment.length() > 128
                || environment.chars().anyMatch(c -> c < 0x21 || c > 0x7e)) {
            throw new IllegalArgumentException("the bus environment must be 1-128 printable characters without "
                    + "spaces, was '" + environment + "'");
        }
        List<String> shared = sharedKeys(signingKey.orElse(null), trusted, vantageSecrets);
        if (!shared.isEmpty()) {
            throw new IllegalArgumentException(String.join("; ", shared));
        }
        return new RecordAuthenticator(
                true, environment, signingKey.orElse(null), List.copyOf(trusted), List.copyOf(vantageSecrets));
    }

    /**
     * One key material held for two identities: whoever holds it speaks for both, and nothing at the
     * reader can tell them apart (e.g. one secret file copied for every vantage, one key pair made for
     * the engine and reused for an actuator). Names the key ids, never the keys.
     */
    static List<String> sharedKeys(
            SigningKey signingKey, List<TrustedKey> trusted, List<VantageSecret> vantageSecrets) {
        List<String> problems = new ArrayList<>();
        for (int i = 0; i < vantageSecrets.size(); i++) {
            for (int j = i + 1; j < vantageSecrets.size(); j++) {
                VantageSecret a = vantageSecrets.get(i);
                VantageSecret b = vantageSecrets.get(j);
                if (!a.vantage().equals(b.vantage()) && MessageDigest.isEqual(a.secret(), b.secret())) {
                    problems.add("vantage keys '" + a.id() + "' (" + a.vantage() + ") and '" + b.id() + "' ("
                            + b.vantage() + ") hold the same secret: a monitor holding one could speak for both "
                            + "vantages; give each vantage its own (openssl rand -base64 48)");
                }
            }
        }
        for (int i = 0; i < trusted.size(); i++) {
            for (int j = i + 1; j < trusted.size(); j++) {
                TrustedKey a = trusted.get(i);
                TrustedKey b = trusted.get(j);
                if (a.signer() != b.signer()
                        && java.util.Arrays.equals(a.key().getEncoded(), b.key().getEncoded())) {
                    problems.add("trusted keys '" + a.id() + "' (" + a.signer().serviceName() + ") and '" + b.id()
                            + "' (" + b.signer().serviceName() + ") are the same public key: one key pair for two "
                            + "signers lets either sign as the other; make a key pair per signer");
                }
            }
        }
        if (signingKey != null) {
            byte[] probe = "mrm-bus-key-probe".getBytes(StandardCharsets.UTF_8);
            byte[] signature;
            try {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(signingKey.key());
                signer.update(probe);
                signature = signer.sign();
            } catch (GeneralSecurityException e) {
                return problems; // an unusable signing key fails where it is used, with its own message
            }
            for (TrustedKey t : trusted) {
                if (t.signer() == signingKey.signer()) {
                    continue;
                }
                try {
                    Signature verifier = Signature.getInstance("Ed25519");
                    verifier.initVerify(t.key());
                    verifier.update(probe);
                    if (verifier.verify(signature)) {
                        problems.add("this service's signing key '" + signingKey.id() + "' ("
                                + signingKey.signer().serviceName() + ") is the key trusted as '" + t.id() + "' of "
                                + t.signer().serviceName() + ": whoever holds it signs as both; make a key pair "
                                + "per signer");
                    }
                } catch (GeneralSecurityException e) {
                    // not an Ed25519 key: it cannot be this one
                }
            }
        }
        return problems;
    }

    public boolean isRequired() {
        return required;
    }

    /**
     * The header to send with this record, or null when its topic needs none (or authentication is
     * off).
     *
     * @throws IllegalStateException when this service holds no key for it: it is not the one who
     *                               may write this record (e.g. a monitor writing a command)
     */
    public Header sign(
            Topic<?> topic, String topicName, String key, String ceType, String ceId, byte[] value, MrmEvent event) {
        if (!required) {
            return null;
        }
        Expected expected = expected(topic, event);
        if (expected == null) {
            return null;
        }
        if (expected.signer != null) {
            if (signingKey == null || signingKey.signer() != expected.signer) {
                throw new IllegalStateException("cannot sign " + ceType + " " + ceId + ": only "
                        + expected.signer.serviceName() + " may, and this service holds "
                        + (signingKey == null
                                ? "no signing key"
                                : "the key of " + signingKey.signer().serviceName()));
            }
            try {
                Signature signer = Signature.getInstance("Ed25519");
                signer.initSign(signingKey.key());
                feed(signer::update, topicName, key, ceType, ceId, value);
                return header(ED25519, signingKey.id(), signer.sign());
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("cannot sign with key " + signingKey.id() + ": " + e.getMessage(), e);
            }
        }
        VantageSecret secret = signingSecrets.get(expected.vantage);
        if (secret == null) {
            throw new IllegalStateException("cannot authenticate " + ceType + " " + ceId + ": this service holds no "
                    + "secret for vantage '" + expected.vantage + "' (holds " + signingSecrets.keySet() + ")");
        }
        return header(HMAC, secret.id(), mac(secret, topicName, key, ceType, ceId, value));
    }

    /**
     * Why this decoded record is not authentic, or null when it is (or needs no authentication, or
     * authentication is off). Never throws for bad input.
     */
    public String refusal(
            Topic<?> topic,
            String topicName,
            String key,
            String ceType,
            String ceId,
            byte[] value,
            Headers headers,
            MrmEvent event) {
        if (!required) {
            return null;
        }
        Expected expected = expected(topic, event);
        if (expected == null) {
            return null;
        }
        Header header = lastHeader(headers);
        if (header == null) {
            return "not signed: " + ceType + " must carry the " + HEADER + " header of " + expected.who();
        }
        if (header.value() == null) {
            // a header without a value (length -1 on the wire): any producer can send one
            return "malformed " + HEADER + " header (it has no value; expected '<scheme> <key id> <base64>')";
        }
        String[] parts = new String(header.value(), StandardCharsets.US_ASCII).split(" ", -1);
        if (parts.length != 3 || !BusKeys.KEY_ID.matcher(parts[1]).matches()) {
            return "malformed " + HEADER + " header (expected '<scheme> <key id> <base64>')";
        }
        byte[] signature;
        try {
            signature = Base64.getDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            return "malformed " + HEADER + " header: the signature is not base64";
        }
        if (expected.signer != null) {
            if (!ED25519.equals(parts[0])) {
                return "signed with '" + parts[0] + "'; " + ceType + " must carry an " + ED25519 + " signature of "
                        + expected.who();
            }
            TrustedKey trustedKey = trusted.get(parts[1]);
            if (trustedKey == null) {
                return "signed with key '" + parts[1] + "', which is not a trusted key of " + expected.who();
            }
            if (trustedKey.signer() != expected.signer) {
                return "signed with key '" + parts[1] + "' of "
                        + trustedKey.signer().serviceName() + ", but only " + expected.who() + " may write this";
            }
            try {
                Signature verifier = Signature.getInstance("Ed25519");
                verifier.initVerify(trustedKey.key());
                feed(verifier::update, topicName, key, ceType, ceId, value);
                return verifier.verify(signature)
                        ? null
                        : "forged: the signature does not verify with key '" + parts[1] + "' of " + expected.who();
            } catch (GeneralSecurityException e) {
                return "forged: the signature does not verify with key '" + parts[1] + "' of " + expected.who();
            }
        }
        if (!HMAC.equals(parts[0])) {
            return "authenticated with '" + parts[0] + "'; " + ceType + " must carry an " + HMAC + " of "
                    + expected.who();
        }
        VantageSecret secret = vantageSecrets.get(parts[1]);
        if (secret == null) {
            return "authenticated with key '" + parts[1] + "', which is not a known vantage key";
        }
        if (!secret.vantage().equals(expected.vantage)) {
            // a monitor speaks only for the vantages whose secrets it holds
            return "authenticated with the key of vantage '" + secret.vantage() + "' but speaks for " + expected.who();
        }
        return MessageDigest.isEqual(mac(secret, topicName, key, ceType, ceId, value), signature)
                ? null
                : "forged: the HMAC does not verify with key '" + parts[1] + "' of " + expected.who();
    }

    /** Who must have written a record, or null when the topic is not authenticated here. */
    private static Expected expected(Topic<?> topic, MrmEvent event) {
        // every command topic, by its type: a new actuator's topic is authenticated without being listed here
        if (io.mrm.events.command.StepCommand.class.isAssignableFrom(topic.valueType())) {
            return new Expected(BusSigner.ENGINE, null);
        }
        if (topic == Topics.COMMAND_ACKS && event instanceof CommandAck ack) {
            return new Expected(BusSigner.forActuator(ack.actuator()), null);
        }
        if (topic == Topics.READINESS_REPORTS && event instanceof ReadinessReport report) {
            // a forged "not ready" could block a failover; a forged "ready" hide a broken target
            return new Expected(BusSigner.forActuator(report.actuator()), null);
        }
        if (topic == Topics.OBSERVATIONS && event instanceof HealthObservation observation) {
            return new Expected(null, observation.vantage());
        }
        if (topic == Topics.COMMAND_ACKS || topic == Topics.OBSERVATIONS || topic == Topics.READINESS_REPORTS) {
            // a type added to these topics must say who signs it before it can be trusted
            throw new IllegalStateException(
                    "no signer defined for " + event.getClass().getSimpleName());
        }
        return null;
    }

    private record Expected(BusSigner signer, String vantage) {
        /** Named in refusals only: not built for a record that verifies. */
        String who() {
            return signer != null ? signer.serviceName() : "vantage '" + vantage + "'";
        }
    }

    /** Where the authenticated bytes go: a signature or a MAC, fed piece by piece (the value is not copied). */
    private interface Input {
        void update(byte[] bytes) throws GeneralSecurityException;
    }

    private void feed(Input in, String topicName, String key, String ceType, String ceId, byte[] value)
            throws GeneralSecurityException {
        in.update(PREFIX);
        in.update(environmentLine);
        in.update((topicName + "\n" + key + "\n" + ceType + "\n" + ceId + "\n").getBytes(StandardCharsets.UTF_8));
        in.update(value);
    }

    private byte[] mac(VantageSecret secret, String topicName, String key, String ceType, String ceId, byte[] value) {
        Mac mac = macs.get().computeIfAbsent(secret.id(), id -> {
            try {
                Mac m = Mac.getInstance("HmacSHA256");
                m.init(new SecretKeySpec(secret.secret(), "HmacSHA256"));
                return m;
            } catch (GeneralSecurityException e) {
                throw new IllegalStateException("HmacSHA256 is not available: " + e.getMessage(), e);
            }
        });
        try {
            feed(mac::update, topicName, key, ceType, ceId, value);
        } catch (GeneralSecurityException e) {
            mac.reset();
            throw new IllegalStateException(e);
        }
        return mac.doFinal();
    }

    private static Header header(String scheme, String keyId, byte[] signature) {
        byte[] value = (scheme + " " + keyId + " " + Base64.getEncoder().encodeToString(signature))
                .getBytes(StandardCharsets.US_ASCII);
        return new org.apache.kafka.common.header.internals.RecordHeader(HEADER, value);
    }

    private static Header lastHeader(Headers headers) {
        if (headers == null) {
            return null;
        }
        // more than one is refused: which of them a reader takes must not be a choice an attacker makes
        Header found = null;
        for (Header h : headers) {
            if (HEADER.equals(h.key())) {
                if (found != null) {
                    return new org.apache.kafka.common.header.internals.RecordHeader(HEADER, new byte[0]);
                }
                found = h;
            }
        }
        return found;
    }

    private static <T> Map<String, T> byId(List<T> keys, java.util.function.Function<T, String> id) {
        Map<String, T> out = new HashMap<>();
        List<String> duplicates = new ArrayList<>();
        for (T k : keys) {
            if (out.putIfAbsent(id.apply(k), k) != null) {
                duplicates.add(id.apply(k));
            }
        }
        if (!duplicates.isEmpty()) {
            throw new IllegalArgumentException("key ids must be unique; listed twice: " + duplicates);
        }
        return Map.copyOf(out);
    }

    @Override
    public String toString() {
        return required
                ? "RecordAuthenticator[required, signs as "
                        + (signingKey == null ? "nobody" : signingKey.signer().serviceName()) + ", trusts "
                        + trusted.keySet()
                        + ", vantage keys " + vantageSecrets.keySet() + "]"
                : "RecordAuthenticator[off]";
    }
}
