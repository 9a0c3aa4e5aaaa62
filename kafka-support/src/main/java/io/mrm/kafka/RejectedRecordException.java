package io.mrm.kafka;

import io.mrm.events.deadletter.DeadLetter;

/** Thrown by a listener for a record that cannot be read or is invalid: dead-letter it, do not retry. */
public class RejectedRecordException extends RuntimeException {

    private final transient DeadLetter deadLetter;

    public RejectedRecordException(DeadLetter deadLetter) {
        super(deadLetter.reason(), null, false, false);
        this.deadLetter = deadLetter;
    }

    public DeadLetter deadLetter() {
        return deadLetter;
    }
}
