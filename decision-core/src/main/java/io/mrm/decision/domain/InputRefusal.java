package io.mrm.decision.domain;

/**
 * An input the core refused to act on: the host dead-letters it with this reason (and the core has
 * alerted, at most once in a while per source).
 *
 * @param reason why, coarsely: the host maps it to its dead-letter reason
 * @param detail exactly why, naming the offending value
 */
public record InputRefusal(Reason reason, String detail) {

    public enum Reason {
        /** From a vantage point, region or component the application's policy does not declare. */
        UNKNOWN_SOURCE,
        /** Stamped further ahead of the engine's clock than the policy's allowed skew. */
        CLOCK_SKEW
    }
}
