package io.mrm.events.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mrm.events.EventTypes;
import io.mrm.events.Require;
import io.mrm.events.codec.EventJson;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.Signature;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.List;

/**
 * Signs and verifies operator requests with Ed25519.
 *
 * <p>What is signed (the canonical request): the UTF-8 bytes of
 * {@code "mrm-operator-request-v2\n" + <Kafka cluster id> + "\n" + <CloudEvents type> + "\n" + <body>},
 * where body is the request's JSON as MRM writes it, without {@code signature.value}, with object members
 * sorted by name at every level and no whitespace. The cluster id names the environment the request is
 * meant for (it is also in the body, as {@code signature.clusterId}, so a verifier can say which one a
 * refused request was signed for): a request signed against staging does not verify in production. The
 * type is part of it so that a signed freeze cannot be replayed as a different request with the same
 * fields; the id, application, time (the issue time), operator and nonce are all inside the body. The
 * verifier rebuilds the body from the request it decoded, so a field it does not know makes the signature
 * fail: a request is trusted only for what the engine understood of it.
 *
 * <p>The first form, {@code "mrm-operator-request-v1\n" + <type> + "\n" + <body>}, bound no environment.
 * {@link #verify} never accepts it; {@link #verifyFirstForm} exists so that journals of engines that took
 * it replay as they ran, and so that a refusal can say a request was signed by an older tool.
 */
public final class RequestSigning {

    private static final byte[] PREFIX_V1 = "mrm-operator-request-v1\n".getBytes(StandardCharsets.UTF_8);
    private static final byte[] PREFIX_V2 = "mrm-operator-request-v2\n".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestSigning() {}

    /**
     * The bytes an operator signs for this request (its signature's value, if any, left out): the form
     * bound to {@code signature.clusterId}, or the first form when the signature names no cluster.
     */
    public static byte[] canonical(OperatorRequest request) {
        ObjectNode body = EventJson.mapper().valueToTree(request);
        if (body.get("signature") instanceof ObjectNode signature) {
            signature.remove("value"); // the algorithm, nonce and cluster are signed; the value cannot be
        }
        String clusterId =
                request.signature() == null ? null : request.signature().clusterId();
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        if (clusterId == null) {
            out.writeBytes(PREFIX_V1);
        } else {
            out.writeBytes(PREFIX_V2);
            out.writeBytes(clusterId.getBytes(StandardCharsets.UTF_8));
            out.write('\n');
        }
        out.writeBytes(EventTypes.forClass(request.getClass()).ceType().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.writeBytes(EventJson.write(sorted(body)));
        return out.toByteArray();
    }

    /** The request with a fresh nonce and the operator's signature over it, for the Kafka cluster {@code clusterId}. */
    public static OperatorRequest sign(OperatorRequest request, PrivateKey key, String clusterId) {
        return sign(request, key, clusterId, newNonce());
    }

    public static OperatorRequest sign(OperatorRequest request, PrivateKey key, String clusterId, String nonce) {
        Require.clusterId("cluster id", clusterId);
        return signAs(request, key, nonce, clusterId);
    }

    /**
     * A signature of the first form, bound to no environment, which the engine refuses. Only for tests that
     * show it is refused, and for tools that must reproduce what older versions wrote.
     */
    public static OperatorRequest signFirstForm(OperatorRequest request, PrivateKey key, String nonce) {
        return signAs(request, key, nonce, null);
    }

    private static OperatorRequest signAs(OperatorRequest request, PrivateKey key, String nonce, String clusterId) {
        // algorithm, nonce and cluster are signed: place them (with a dummy value, never sent), then sign
        RequestSignature placeholder = new RequestSignature(RequestSignature.ED25519, nonce, PLACEHOLDER, clusterId);
        OperatorRequest withNonce = request.withSignature(placeholder);
        try {
            Signature signer = Signature.getInstance(RequestSignature.ED25519);
            signer.initSign(key);
            signer.update(canonical(withNonce));
            String value = Base64.getEncoder().encodeToString(signer.sign());
            return request.withSignature(new RequestSignature(RequestSignature.ED25519, nonce, value, clusterId));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException(
                    "cannot sign with this key (an Ed25519 private key is needed): " + e.getMessage(), e);
        }
    }

    /**
     * Whether the request carries a signature for the Kafka cluster {@code clusterId} that verifies with this
     * operator's public key. A signature for another cluster, or of the first form (no cluster), never does.
     */
    public static boolean verify(OperatorRequest request, PublicKey key, String clusterId) {
        RequestSignature signature = request.signature();
        if (signature == null
                || signature.clusterId() == null
                || !signature.clusterId().equals(clusterId)) {
            return false;
        }
        return verifiesAsWritten(request, key);
    }

    /**
     * Whether the request's signature verifies in the form it names, whichever cluster that is: tells a
     * request signed for another environment from a forged one. Trust needs {@link #verify}.
     */
    public static boolean verifiesAsWritten(OperatorRequest request, PublicKey key) {
        RequestSignature signature = request.signature();
        if (signature == null) {
            return false;
        }
        try {
            Signature verifier = Signature.getInstance(RequestSignature.ED25519);
            verifier.initVerify(key);
            verifier.update(canonical(request));
            return verifier.verify(signature.bytes());
        } catch (GeneralSecurityException e) {
            return false;
        }
    }

    /**
     * Whether the request carries a signature of the first form, bound to no cluster, that verifies: only
     * for replaying journals of engines that accepted it, never for a live request.
     */
    public static boolean verifyFirstForm(OperatorRequest request, PublicKey key) {
        RequestSignature signature = request.signature();
        return signature != null && signature.clusterId() == null && verifiesAsWritten(request, key);
    }

    /** 128 random bits, base64url without padding (22 characters). */
    public static String newNonce() {
        byte[] bytes = new byte[16];
        RANDOM.nextBytes(bytes);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    }

    /** 64 zero bytes: stands in for the signature while the nonce is placed; never sent. */
    private static final String PLACEHOLDER = Base64.getEncoder().encodeToString(new byte[64]);

    private static JsonNode sorted(JsonNode node) {
        if (node.isObject()) {
            List<String> names = new ArrayList<>();
            node.fieldNames().forEachRemaining(names::add);
            names.sort(null);
            ObjectNode out = JsonNodeFactory.instance.objectNode();
            for (String name : names) {
                out.set(name, sorted(node.get(name)));
            }
            return out;
        }
        if (node.isArray()) {
            ArrayNode out = JsonNodeFactory.instance.arrayNode();
            for (Iterator<JsonNode> it = node.elements(); it.hasNext(); ) {
                out.add(sorted(it.next()));
            }
            return out;
        }
        return node;
    }
}
