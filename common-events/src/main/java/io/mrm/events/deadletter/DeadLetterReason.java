package io.mrm.events.deadletter;

/** Why a record was dead-lettered, coarsely; the {@code reason} text says exactly. */
public enum DeadLetterReason {
    /** Larger than the topic's record size cap. */
    TOO_LARGE,
    /** Not a binary-mode CloudEvent, or its body is not JSON. */
    UNREADABLE,
    /** A CloudEvents type MRM does not know, or one that does not belong on this topic. */
    UNKNOWN_TYPE,
    /** Readable, but a field is missing or wrong, or the envelope disagrees with the body. */
    INVALID,
    /** Valid, but the consumer failed to process it after its bounded retries. */
    PROCESSING_FAILED,
    /**
     * On another partition than Kafka's Java partitioner chooses for its key, so not where the
     * consumer instance that owns the key's state reads; the producer partitions differently.
     */
    WRONG_PARTITION,
    /** From a source its consumer does not know: a vantage point, region or component not declared for the application. */
    UNKNOWN_SOURCE,
    /** Stamped further ahead of the consumer's clock than the allowed skew: its producer's clock is wrong. */
    CLOCK_SKEW,
    /**
     * A command, acknowledgement or observation without a valid signature of the one who may write it
     * (the engine, the actuator it names, the vantage point it speaks for): forged, or from a
     * misconfigured service.
     */
    UNAUTHENTICATED
}
