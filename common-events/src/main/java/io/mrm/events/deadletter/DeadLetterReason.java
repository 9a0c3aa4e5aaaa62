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
    PROCESSING_FAILED
}
