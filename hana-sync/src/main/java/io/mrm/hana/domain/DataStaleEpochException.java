package io.mrm.hana.domain;

/** A region's fencing table holds a higher epoch than the command's: a newer decision got there first. */
public class DataStaleEpochException extends DataReplicationException {

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
