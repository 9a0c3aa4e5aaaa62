package io.mrm.events.readiness;

/** Whether a step could run towards a region now, as far as a read-only check can tell. */
public enum ReadinessStatus {
    /** Every precondition the check covers holds. */
    READY(0),
    /** The check could not tell (it timed out, or its result is too old to count). */
    UNKNOWN(1),
    /** A precondition does not hold: the step would fail (the reason says which and why). */
    NOT_READY(2);

    private final int severity;

    ReadinessStatus(int severity) {
        this.severity = severity;
    }

    /** The worse of two statuses: NOT_READY over UNKNOWN over READY. */
    public ReadinessStatus worst(ReadinessStatus other) {
        return other.severity > severity ? other : this;
    }
}
