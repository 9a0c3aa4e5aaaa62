package io.mrm.hana.adapter.postgres;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Fencing;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Role;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fence of one region's database, on its own: what promote does to an old primary it reaches
 * (the epoch into {@code mrm.fencing} by the conditional upsert, the app role's writes revoked, its
 * sessions ended), for the region a forced failover left. The caller holds the application's lock.
 *
 * <p>The fenced database is read first, and the other one only when the fenced one still says it is
 * a primary: then the other must show a primary of a higher epoch (the forced failover's), or this
 * region is the only writable database and is not fenced. Every connection is bounded by what is left
 * of the deadline.
 */
final class PostgresFence {

    private final PostgresApplication app;
    private final String region;
    private final long epoch;
    private final long deadlineNanos;

    PostgresFence(PostgresApplication app, String region, long epoch, Duration within) {
        this.app = app;
        this.region = region;
        this.epoch = epoch;
        this.deadlineNanos = System.nanoTime() + within.toNanos();
    }

    FenceResult run() throws ActuatorFailure {
        try (Connection c = connect(region)) {
            ReplicationSchema.ensureFencing(c);
            Optional<Fencing> row = ReplicationSchema.fencing(c, app.applicationId());
            long stored = row.map(Fencing::epoch).orElse(0L);
            if (stored > epoch) {
                throw new DataStaleEpochException(stored, epoch);
            }
            boolean canWrite = ReplicationSchema.canWrite(c, app.appRole(), app.tables());
            Role role = row.map(Fencing::role).orElse(null);
            if (role == Role.FENCED && stored == epoch && !canWrite) {
                return result(false, Role.FENCED, stored);
            }
            if (role == Role.REPLICA) {
                return replica(c, stored, canWrite);
            }
            if (role != Role.FENCED) {
                requireSuperseded(row);
            }
            checkedFence(c, Role.FENCED);
            ReplicationSchema.revokeWrites(c, app.appRole(), app.tables(), deadlineNanos);
            if (ReplicationSchema.canWrite(c, app.appRole(), app.tables())) {
                throw ActuatorFailure.fatal(
                        "STILL_WRITABLE",
                        app.appRole() + " may still write on " + region
                                + " after the REVOKE: it holds the privilege through another role or PUBLIC");
            }
            return result(true, Role.FENCED, epoch);
        } catch (SQLException e) {
            if (PostgresErrors.unreachable(e)) {
                throw FenceFailure.UNREACHABLE.exception(region + "'s database does not answer: " + e.getMessage(), e);
            }
            throw PostgresErrors.classify("fencing " + region, e);
        }
    }

    /**
     * A replica already takes no application writes, and turning its row to FENCED would keep its
     * capture from resuming: it keeps its role and takes the epoch.
     */
    private FenceResult replica(Connection c, long stored, boolean canWrite)
            throws SQLException, DataStaleEpochException {
        if (stored < epoch) {
            checkedFence(c, Role.REPLICA);
        }
        if (canWrite) {
            ReplicationSchema.revokeWrites(c, app.appRole(), app.tables(), deadlineNanos);
        }
        return result(stored < epoch || canWrite, Role.REPLICA, epoch);
    }

    /** The fenced region says it is (or may be) the primary: the other region must show a newer one. */
    private void requireSuperseded(Optional<Fencing> row) throws ActuatorFailure {
        String other = app.other(region);
        Optional<Fencing> peer;
        try (Connection p = connect(other)) {
            peer = ReplicationSchema.fencing(p, app.applicationId());
        } catch (SQLException e) {
            throw FenceFailure.PEER_UNREACHABLE.exception(
                    region + " is a primary and " + other + ", which would show a newer one, does not answer ("
                            + e.getMessage() + "): not fenced",
                    e);
        }
        long peerEpoch = peer.map(Fencing::epoch).orElse(0L);
        if (peerEpoch > epoch) {
            throw new DataStaleEpochException(peerEpoch, epoch);
        }
        boolean superseded = peer.isPresent()
                && peer.get().role() == Role.PRIMARY
                && (row.isEmpty() || peerEpoch > row.get().epoch());
        if (!superseded) {
            throw FenceFailure.IS_PRIMARY.exception(
                    region + " is the primary of " + app.applicationId()
                            + " (" + other + " is "
                            + peer.map(f -> f.role() + "@" + f.epoch()).orElse("not set up")
                            + "): fencing it would close the only writable database",
                    null);
        }
    }

    private void checkedFence(Connection c, Role role) throws SQLException, DataStaleEpochException {
        if (!ReplicationSchema.fence(c, app.applicationId(), epoch, role)) {
            long stored = ReplicationSchema.fencing(c, app.applicationId())
                    .map(Fencing::epoch)
                    .orElse(0L);
            throw new DataStaleEpochException(stored, epoch);
        }
    }

    private Connection connect(String which) throws SQLException, ActuatorFailure {
        long left = deadlineNanos - System.nanoTime();
        if (left <= 0) {
            throw FenceFailure.NO_TIME_LEFT.exception("no time left to reach " + which + "'s database", null);
        }
        return app.region(which).connect(Duration.ofNanos(left));
    }

    private FenceResult result(boolean changed, Role role, long fencingEpoch) {
        Map<String, String> details = new TreeMap<>();
        details.put("role." + region, role + "@" + fencingEpoch);
        details.put("appCanWrite." + region, "false");
        return new FenceResult(changed, fencingEpoch, details);
    }
}
