package io.mrm.mrmctl.domain.audit;

/**
 * A run's measured durations in milliseconds, null where the records do not give them.
 *
 * @param detectionMs    first failing observation of the streak → (first) decision
 * @param approvalWaitMs proposal → the approved decision (mode MANUAL)
 * @param switchMs       executing decision → last step acknowledged (or skipped)
 * @param rtoMs          first failing observation → switched: the RTO as the control plane measures it
 */
public record Figures(Long detectionMs, Long approvalWaitMs, Long switchMs, Long rtoMs) {}
