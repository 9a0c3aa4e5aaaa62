package io.mrm.simulation.actors;

import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.operator.RequestSigning;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.SecureRandom;
import java.security.spec.NamedParameterSpec;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The simulated operators' Ed25519 keys, made from a fixed seed so that signed runs are as
 * deterministic as unsigned ones (Ed25519 signatures are themselves deterministic): alice may ask,
 * bob may approve, carol may do both; mallory's key belongs to nobody the engine knows.
 */
public final class Signers {

    public static final String ALICE = "alice";
    public static final String BOB = "bob";
    public static final String CAROL = "carol";
    public static final String MALLORY = "mallory";

    private static final Map<String, KeyPair> KEYS = Map.of(ALICE, key(1), BOB, key(2), CAROL, key(3), MALLORY, key(4));

    /** The simulated engine's Kafka cluster id: requests are signed for it. */
    public static final String CLUSTER_ID = "mrm-simulation";

    /** The authority of a signed run: every operator but mallory, each with their roles. */
    public static final RequestAuthority AUTHORITY = RequestAuthority.signed(List.of(
                    operator(ALICE, OperatorRole.OPERATOR),
                    operator(BOB, OperatorRole.APPROVER),
                    operator(CAROL, OperatorRole.OPERATOR, OperatorRole.APPROVER)))
            .inCluster(CLUSTER_ID);

    private Signers() {}

    /** The request signed by {@code as} (whose key may not be the operator's own: a forgery). */
    public static OperatorRequest sign(OperatorRequest request, String as, String nonce) {
        return RequestSigning.sign(request, KEYS.get(as).getPrivate(), CLUSTER_ID, nonce);
    }

    private static Operator operator(String id, OperatorRole... roles) {
        return new Operator(id, Set.of(roles), OperatorKeys.oneLine(KEYS.get(id).getPublic()));
    }

    private static KeyPair key(int n) {
        try {
            SecureRandom random = SecureRandom.getInstance("SHA1PRNG");
            random.setSeed(("mrm-simulation-operator-" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8));
            KeyPairGenerator generator = KeyPairGenerator.getInstance("Ed25519");
            generator.initialize(NamedParameterSpec.ED25519, random);
            return generator.generateKeyPair();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("this JVM cannot make Ed25519 keys", e);
        }
    }
}
