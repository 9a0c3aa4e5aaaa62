package io.mrm.hana.domain;

import io.mrm.events.ack.ActuatorFailure;

/**
 * Why a fence was not done, besides a stale epoch ({@link DataStaleEpochException}) and the backend's
 * own classified errors: the ack's error code is the constant's name. A catalogue of our own codes, each with
 * its fixed classification, not a failure type: {@link #exception} builds the {@link ActuatorFailure} to throw.
 */
public enum FenceFailure {
    /** The database to fence does not answer; the engine retries the fence as a duty. */
    UNREACHABLE(true),
    /** The fence did not finish before the step's deadline (less the ack margin). */
    TIMEOUT(true),
    /** No time was left before the step's deadline to start the fence. */
    NO_TIME_LEFT(true),
    /** Every fence worker is still busy with a database that does not answer. */
    BUSY(true),
    /**
     * The database to fence is still a primary and the other region's, which would show whether it was
     * superseded, does not answer: fencing it could close the only writable database.
     */
    PEER_UNREACHABLE(true),
    /** The region is not one of the application's: nothing was touched. */
    UNKNOWN_REGION(false),
    /** The region is the current primary: fencing it would close the only writable database. */
    IS_PRIMARY(false);

    private final boolean retriable;

    FenceFailure(boolean retriable) {
        this.retriable = retriable;
    }

    public boolean retriable() {
        return retriable;
    }

    public ActuatorFailure exception(String message, Throwable cause) {
        return ActuatorFailure.of(retriable, name(), message, cause);
    }
}
