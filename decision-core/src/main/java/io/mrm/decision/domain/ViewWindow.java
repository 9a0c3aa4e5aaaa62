package io.mrm.decision.domain;

import java.time.Instant;

/**
 * While a view the engine publishes (readiness, health) cannot have changed by time alone: such a view depends on
 * what the engine holds (reports, counters), on the policy's {@code basis}, and on which held items are older than
 * an age limit ({@code readiness.max-age}, {@code stale-after}) at the engine's time. With the same items and
 * basis it stays the same while that time is after {@code after} and not after {@code until}: the age-limit
 * crossings of held items nearest to when the view was computed, on either side (a clock stepped back can make a
 * stale item fresh again).
 *
 * <p>Kept in the state, not beside the core: a restored engine must see the next crossing as the one that ran
 * before it. A state stored before it existed has none, and the view is computed at its next step.
 *
 * @param basis what of the policy the view was computed for
 * @param after the latest instant at which a held item had turned stale by then; null if none had
 * @param until the earliest instant after which a held item still fresh then turns stale; null if none is
 */
public record ViewWindow(String basis, Instant after, Instant until) {

    /** True if a view computed for this window is still the view at {@code now} under {@code basis}. */
    boolean holds(String currentBasis, Instant now) {
        return basis.equals(currentBasis)
                && (after == null || now.isAfter(after))
                && (until == null || !now.isAfter(until));
    }
}
