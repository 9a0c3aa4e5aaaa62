package io.mrm.audit;

import java.time.Instant;

/**
 * Where a run's detection began: the first failing observation of the streak that led to the
 * decision.
 *
 * @param time             when it was observed
 * @param observationId    which observation
 * @param region           the region seen failing
 * @param component        the component seen failing
 * @param vantage          the vantage point that saw it
 * @param fromObservations true when found on the observations topic; false when only the decision's
 *                         evidence was available (then {@code time} is the evidence's, the streak's last)
 * @param mayBeEarlier     the streak could have begun before the first record read (no earlier
 *                         observation of that vantage point was read, or only the evidence was)
 */
public record DetectionStart(
        Instant time,
        String observationId,
        String region,
        String component,
        String vantage,
        boolean fromObservations,
        boolean mayBeEarlier) {}
