package io.mrm.hana.domain;

import io.mrm.events.ack.ActuatorFailure;

/**
 * A region's fencing table holds a higher epoch than the command's: a newer decision got there first. A subtype
 * of the shared failure because the handler answers it REJECTED_STALE rather than failed.
 */
public class DataStaleEpochException extends ActuatorFailure {

    public static final String CODE = "FENCED_BY_NEWER_EPOCH";

    private final long storedEpoch;

    public DataStaleEpochException(long storedEpoch, long commandEpoch) {
        super(false, CODE, "the fencing table holds epoch " + storedEpoch + " > " + commandEpoch, null);
        this.storedEpoch = storedEpoch;
    }

    public long storedEpoch() {
        return storedEpoch;
    }
}
