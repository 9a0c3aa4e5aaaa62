package io.mrm.hana.domain;

import io.mrm.events.ack.ActuatorFailure;
import java.time.Duration;
import java.util.Map;

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
    ReplicationStatus status(String applicationId) throws ActuatorFailure;

    /**
     * Waits at most {@code within} until {@code toRegion} has applied everything {@code fromRegion}
     * had committed when the call started.
     *
     * @return complete, or the backlog still remaining when the time ran out
     */
    DrainResult drain(String applicationId, String fromRegion, String toRegion, Duration within) throws ActuatorFailure;

    /**
     * How far {@code toRegion} is behind {@code fromRegion} now, in bytes, read without changing anything
     * (no marker, no fence): what a drain with a bound is checked against before it starts. A backend that
     * cannot measure it in bytes, or cannot reach a database to do so, answers {@link Backlog#unknown}
     * (the drain then runs as without a bound and meets any failure itself).
     */
    default Backlog backlog(String applicationId, String fromRegion, String toRegion) throws ActuatorFailure {
        return Backlog.unknown("this backend does not measure its backlog in bytes", Map.of());
    }

    /**
     * Makes {@code region} the writable primary under {@code epoch}: fences the old primary (no write it
     * accepts afterwards, and none of its sessions still running), applies everything it committed
     * before the fence (bounded by {@code within}), stops replicating from it and opens writes on
     * {@code region}. Resumable: what an earlier attempt did is read from the databases, so a retry,
     * also after a restart of this service, continues where it stopped and never skips the drain.
     *
     * <p>Not {@code forced} (graceful): opens nothing unless the old primary is fenced and drained;
     * when it cannot be (it does not answer, the drain does not finish in time) the promote fails
     * retriably and the old primary stays as it was or fenced. {@code forced}: fences and drains what
     * answers in time and opens {@code region} anyway; the status details say what was not done
     * ({@code oldPrimaryFenced}, {@code dataLeftBehind...}).
     *
     * @throws DataStaleEpochException  if a database already holds a higher epoch
     * @throws ActuatorFailure {@code UNKNOWN_REGION} (before any change) for a region that is
     *                                  not the application's
     */
    ReplicationStatus promote(String applicationId, String region, long epoch, boolean forced, Duration within)
            throws ActuatorFailure;

    /**
     * Starts replicating from the primary {@code fromRegion} to {@code toRegion} from a consistent
     * point, first reporting (in the returned status) what {@code toRegion} committed that
     * {@code fromRegion} never received.
     *
     * @throws DataStaleEpochException if a database already holds a higher epoch
     */
    ReplicationStatus reprotect(String applicationId, String fromRegion, String toRegion, long epoch)
            throws ActuatorFailure;

    /**
     * Makes {@code region}'s database refuse the application's writes under {@code epoch}: the fence
     * {@link #promote} puts on an old primary it reaches, on its own, for the region a forced failover
     * left. Records the epoch in that database's fencing row (conditionally), takes the application
     * role's write privileges and ends its sessions where the backend can. Changes nothing on a database
     * already fenced at {@code epoch}. Checks {@code region} before any change.
     *
     * <p>Bounded by {@code within}: a database that cannot be reached fails retriably
     * ({@link FenceFailure#UNREACHABLE}) rather than waiting on the driver's own timeouts. It never
     * reads the other region unless it must: the fenced region is often the one that is down.
     *
     * @return whether it changed anything, and the fenced database's epoch afterwards
     * @throws DataStaleEpochException  if the fenced database (or the other one, when read) holds a
     *                                  higher epoch
     * @throws ActuatorFailure {@link FenceFailure#UNKNOWN_REGION} for a region that is not the
     *                                  application's; {@link FenceFailure#IS_PRIMARY} when {@code region}
     *                                  is the current primary and not fenced (the engine fences only the
     *                                  region it left; this would close the only writable database)
     */
    FenceResult fence(String applicationId, String region, long epoch, Duration within) throws ActuatorFailure;
}
