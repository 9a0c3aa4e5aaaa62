package io.mrm.audit;

/**
 * A run's measured durations in milliseconds, null where the records do not give them.
 *
 * @param detectionMs    first failing observation of the streak → (first) decision
 * @param approvalWaitMs proposal → the approved decision (mode MANUAL)
 * @param switchMs       executing decision → last step acknowledged (or skipped)
 * @param rtoMs          first failing observation → switched: the RTO as the control plane measures it
 * @param drillStepsMs   a drill: its steps' measured times as a real run would spend them (the groups one after
 *                       another, a parallel group as long as its longest step, best-effort fences not counted)
 * @param predictedRtoMs a drill: the last real automatic failover's detection (as read here) + {@code drillStepsMs};
 *                       just the steps when no automatic failover was read
 * @param lastRealRtoMs  a drill: the measured RTO of the last real run that finished before it (null: none read)
 */
public record Figures(
        Long detectionMs,
        Long approvalWaitMs,
        Long switchMs,
        Long rtoMs,
        Long drillStepsMs,
        Long predictedRtoMs,
        Long lastRealRtoMs) {

    /** A real run's figures. */
    public Figures(Long detectionMs, Long approvalWaitMs, Long switchMs, Long rtoMs) {
        this(detectionMs, approvalWaitMs, switchMs, rtoMs, null, null, null);
    }

    /** Whether these are a drill's. */
    public boolean drill() {
        return drillStepsMs != null;
    }
}
