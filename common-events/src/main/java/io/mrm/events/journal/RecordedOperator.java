package io.mrm.events.journal;

import io.mrm.events.Require;
import java.util.List;

/**
 * One operator as the journal records it.
 *
 * @param id        the id they sign as
 * @param roles     what they may ask
 * @param publicKey their Ed25519 public key (base64 of the X.509 DER, or PEM)
 */
public record RecordedOperator(String id, List<Role> roles, String publicKey) {

    /** VIEWER reads; OPERATOR switches, freezes, resumes...; APPROVER approves proposals. */
    public enum Role {
        VIEWER,
        OPERATOR,
        APPROVER
    }

    public RecordedOperator {
        Require.operator("id", id);
        roles = Require.list("roles", roles);
        if (roles.isEmpty()) {
            throw new IllegalArgumentException("roles must name at least one role");
        }
        Require.text("publicKey", publicKey);
    }
}
