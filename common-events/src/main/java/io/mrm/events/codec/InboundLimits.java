package io.mrm.events.codec;

import java.time.Duration;

/**
 * Bounds applied to every inbound event.
 *
 * @param maxFutureSkew how far in the future an event's time may be (clock skew between hosts)
 * @param maxAge        how old an event may be on a non-compacted topic; older ones are dead-lettered
 *                      (a week-old operator request must not execute). Compacted topics hold current
 *                      state and are exempt.
 */
public record InboundLimits(Duration maxFutureSkew, Duration maxAge) {

    public static final InboundLimits DEFAULTS = new InboundLimits(Duration.ofMinutes(5), Duration.ofDays(7));

    public InboundLimits {
        if (maxFutureSkew == null || maxFutureSkew.isNegative()) {
            throw new IllegalArgumentException("maxFutureSkew must be a non-negative duration");
        }
        if (maxAge == null || maxAge.isNegative() || maxAge.isZero()) {
            throw new IllegalArgumentException("maxAge must be a positive duration");
        }
    }
}
