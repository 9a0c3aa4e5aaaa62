package io.mrm.decision.domain;

import java.time.Instant;

/**
 * While the readiness view last computed cannot have changed: the view depends on the held reports, on the
 * policy's {@code basis} (regions, plan actuators, {@code readiness.max-age}) and on which checks are older
 * than the max-age at the engine's time. With the same reports and basis it stays the same while that time is
 * after {@code after} and not after {@code until}: the max-age crossings of held checks nearest to when the view
 * was computed, on either side (a clock stepped back can make a stale check fresh again).
 *
 * <p>Kept in the state, not beside the core: a restored engine must see the next crossing as the one that ran
 * before it. A state stored before it existed has none, and the view is computed at its next step.
 *
 * @param basis what of the policy the view was computed for
 * @param after the latest instant at which a held check had turned stale by then; null if none had
 * @param until the earliest instant after which a held check still fresh then turns stale; null if none is
 */
public record ReadinessWindow(String basis, Instant after, Instant until) {

    /** True if a view computed for this window is still the view at {@code now} under {@code basis}. */
    boolean holds(String currentBasis, Instant now) {
        return basis.equals(currentBasis)
                && (after == null || now.isAfter(after))
                && (until == null || !now.isAfter(until));
    }
}
