package io.mrm.hana.domain;

import java.time.Duration;

/**
 * Replicates one application's database between its two regions and switches the direction. One
 * implementation per backend (SAP HANA Cloud remote subscriptions, PostgreSQL with Debezium, in-memory
 * for tests); the domain owns this interface.
 *
 * <p>Every method reads the backend's state before changing it, so calling it again with the same
 * arguments changes nothing. Epoch fencing lives in the backend itself: each region's database keeps
 * the epoch of the decision that last promoted or re-protected it, written with a conditional update,
 * so a command carrying a lower epoch is refused there even if this actuator forgot what it saw.
 */
public interface DataReplication {

    /** Which region is primary, which way data flows, the backlog and each table's state. */
    ReplicationStatus status(String applicationId) throws DataReplicationException;

    /**
     * Waits at most {@code within} until {@code toRegion} has applied everything {@code fromRegion}
     * had committed when the call started.
     *
     * @return complete, or the backlog still remaining when the time ran out
     */
    DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within)
            throws DataReplicationException;

    /**
     * Makes {@code region} the writable primary under {@code epoch}: fences the old primary when it is
     * reachable (no write it accepts afterwards), applies what it still had (bounded by {@code within}),
     * stops replicating from it and opens writes on {@code region}.
     *
     * @throws DataStaleEpochException if a database already holds a higher epoch
     */
    ReplicationStatus promote(String applicationId, String region, long epoch, Duration within)
            throws DataReplicationException;

    /**
     * Starts replicating from the primary {@code fromRegion} to {@code toRegion} from a consistent
     * point, first reporting (in the returned status) what {@code toRegion} committed that
     * {@code fromRegion} never received.
     *
     * @throws DataStaleEpochException if a database already holds a higher epoch
     */
    ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws DataReplicationException;
}
