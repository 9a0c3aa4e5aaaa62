package io.mrm.aem.domain;

import java.time.Instant;

/**
 * A marker MRM keeps on a Message VPN, per application, so that actuator instances that share
 * nothing but the broker agree on who may change the VPN's role (see {@link RoleFence}).
 *
 * @param kind     a permanent fence (this epoch has acted here) or a transient intent (an actuator
 *                 is about to change the role)
 * @param epoch    the decision's epoch
 * @param instance for an intent: the actuator instance holding it; null for a fence
 * @param created  for an intent: when it was created (by its holder's clock); null for a fence
 */
public record FenceMark(Kind kind, long epoch, String instance, Instant created) {

    public enum Kind {
        FENCE,
        INTENT
    }

    public FenceMark {
        if (kind == null) {
            throw new IllegalArgumentException("kind is required");
        }
        if (epoch < 1) {
            throw new IllegalArgumentException("epoch must be >= 1, was " + epoch);
        }
        if (kind == Kind.INTENT && (instance == null || created == null)) {
            throw new IllegalArgumentException("an intent needs its instance and creation time");
        }
        if (kind == Kind.FENCE && (instance != null || created != null)) {
            throw new IllegalArgumentException("a fence carries only its epoch");
        }
    }

    public static FenceMark fence(long epoch) {
        return new FenceMark(Kind.FENCE, epoch, null, null);
    }

    public static FenceMark intent(long epoch, String instance, Instant created) {
        return new FenceMark(Kind.INTENT, epoch, instance, created);
    }

    public boolean isFence() {
        return kind == Kind.FENCE;
    }
}
