package io.mrm.decision.domain;

import io.mrm.events.Require;
import io.mrm.events.operator.OperatorKeys;
import java.security.PublicKey;
import java.util.Set;

/**
 * One person (or pipeline) allowed to send requests: the id they sign as, their roles and their
 * Ed25519 public key (the base64 of its X.509 DER, or PEM). Public keys are not secrets; they are
 * part of the recorded policy so that a replay verifies signatures exactly as the engine did.
 */
public record Operator(String id, Set<OperatorRole> roles, String publicKey) {

    public Operator {
        Require.operator("operator id", id);
        if (roles == null || roles.isEmpty()) {
            throw new IllegalArgumentException("operator " + id + ": roles must name at least one of "
                    + java.util.Arrays.toString(OperatorRole.values()));
        }
        roles = Set.copyOf(roles);
        try {
            OperatorKeys.publicKey(publicKey);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("operator " + id + ": public key: " + e.getMessage());
        }
    }

    public PublicKey key() {
        return OperatorKeys.publicKey(publicKey);
    }

    public boolean has(OperatorRole role) {
        return roles.contains(role);
    }
}
