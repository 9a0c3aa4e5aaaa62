package io.mrm.events.operator;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mrm.events.EventTypes;
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
 * {@code "mrm-operator-request-v1\n" + <CloudEvents type> + "\n" + <body>}, where body is the
 * request's JSON as MRM writes it, without {@code signature.value}, with object members
 * sorted by name at every level and no whitespace. The type is part of it so that a signed
 * freeze cannot be replayed as a different request with the same fields; the id, application,
 * time (the issue time), operator and nonce are all inside the body. The verifier rebuilds the
 * body from the request it decoded, so a field it does not know makes the signature fail: a
 * request is trusted only for what the engine understood of it.
 */
public final class RequestSigning {

    private static final byte[] PREFIX = "mrm-operator-request-v1\n".getBytes(StandardCharsets.UTF_8);
    private static final SecureRandom RANDOM = new SecureRandom();

    private RequestSigning() {
    }

    /** The bytes an operator signs for this request (its signature, if any, left out). */
    public static byte[] canonical(OperatorRequest request) {
        ObjectNode body = EventJson.mapper().valueToTree(request);
        if (body.get("signature") instanceof ObjectNode signature) {
            signature.remove("value"); // the algorithm and the nonce are signed; the value cannot be
        }
        ByteArrayOutputStream out = new ByteArrayOutputStream(512);
        out.writeBytes(PREFIX);
        out.writeBytes(EventTypes.forClass(request.getClass()).ceType().getBytes(StandardCharsets.UTF_8));
        out.write('\n');
        out.writeBytes(EventJson.write(sorted(body)));
        return out.toByteArray();
    }

    /** The request with a fresh nonce and the operator's signature over it. */
    public static OperatorRequest sign(OperatorRequest request, PrivateKey key) {
        return sign(request, key, newNonce());
    }

    public static OperatorRequest sign(OperatorRequest request, PrivateKey key, String nonce) {
        // the algorithm and nonce are signed: place them (with a dummy value, never sent), then sign
        RequestSignature placeholder = new RequestSignature(RequestSignature.ED25519, nonce, PLACEHOLDER);
        OperatorRequest withNonce = request.withSignature(placeholder);
        try {
            Signature signer = Signature.getInstance(RequestSignature.ED25519);
            signer.initSign(key);
            signer.update(canonical(withNonce));
            String value = Base64.getEncoder().encodeToString(signer.sign());
            return request.withSignature(new RequestSignature(RequestSignature.ED25519, nonce, value));
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("cannot sign with this key (an Ed25519 private key is needed): "
                    + e.getMessage(), e);
        }
    }

    /** Whether the request carries a signature that verifies with this operator's public key. */
    public static boolean verify(OperatorRequest request, PublicKey key) {
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
