package io.mrm.hana.adapter.hana;

import io.mrm.events.ack.ActuatorFailure;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication.ConnectionSource;
import io.mrm.hana.adapter.hana.HanaRemoteSubscriptionReplication.Fencing;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import java.sql.Connection;
import java.sql.SQLException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * The fence of one region's HANA database, on its own: what promote does to an old primary it reaches
 * (the epoch into {@code "MRM"."FENCING"} by the conditional update, the app role's {@code INSERT,
 * UPDATE, DELETE} revoked), for the region a forced failover left. The caller holds the application's
 * lock.
 *
 * <p>The fenced database is read first, and the other one only when the fenced one still says it is
 * a primary: then the other must show a primary of a higher epoch (the forced failover's), or this
 * region is the only writable database and is not fenced. Connections are bounded by the driver's
 * connect timeout (configuration); the handler stops waiting at the step's deadline, and a second
 * connection is not opened once the deadline has passed.
 */
final class HanaFence {

    private static final String PRIMARY = "PRIMARY";
    private static final String REPLICA = "REPLICA";
    private static final String FENCED = "FENCED";

    private final HanaApplication app;
    private final String region;
    private final long epoch;
    private final long deadlineNanos;
    private final ConnectionSource connections;

    HanaFence(HanaApplication app, String region, long epoch, Duration within, ConnectionSource connections) {
        this.app = app;
        this.region = region;
        this.epoch = epoch;
        this.deadlineNanos = System.nanoTime() + within.toNanos();
        this.connections = connections;
    }

    FenceResult run() throws ActuatorFailure {
        try (Connection c = open(region)) {
            Optional<Fencing> row = HanaRemoteSubscriptionReplication.fencing(c, app);
            long stored = row.map(Fencing::epoch).orElse(0L);
            if (stored > epoch) {
                throw new DataStaleEpochException(stored, epoch);
            }
            List<String> tables = HanaRemoteSubscriptionReplication.tables(c, app);
            boolean canWrite = writable(c, tables);
            String role = row.map(Fencing::role).orElse(null);
            if (FENCED.equals(role) && stored == epoch && !canWrite) {
                return result(false, FENCED, stored);
            }
            if (REPLICA.equals(role)) {
                // a replica takes no application writes; its row keeps its role and takes the epoch
                if (stored < epoch) {
                    HanaRemoteSubscriptionReplication.fence(c, app, epoch, REPLICA);
                }
                HanaRemoteSubscriptionReplication.revokeWrites(c, app, tables);
                return result(stored < epoch || canWrite, REPLICA, epoch);
            }
            if (!FENCED.equals(role)) {
                requireSuperseded(row);
            }
            HanaRemoteSubscriptionReplication.fence(c, app, epoch, FENCED);
            HanaRemoteSubscriptionReplication.revokeWrites(c, app, tables);
            return result(true, FENCED, epoch);
        } catch (SQLException e) {
            if (HanaErrors.unreachable(e)) {
                throw FenceFailure.UNREACHABLE.exception(region + "'s database does not answer: " + e.getMessage(), e);
            }
            throw HanaErrors.classify("fencing " + region, e);
        }
    }

    /** The fenced region says it is (or may be) the primary: the other region must show a newer one. */
    private void requireSuperseded(Optional<Fencing> row) throws ActuatorFailure {
        String other = app.other(region);
        Optional<Fencing> peer;
        try (Connection p = open(other)) {
            peer = HanaRemoteSubscriptionReplication.fencing(p, app);
        } catch (SQLException e) {
            if (!HanaErrors.unreachable(e)) {
                throw HanaErrors.classify("reading " + other + "'s fencing row", e);
            }
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
                && PRIMARY.equals(peer.get().role())
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

    private boolean writable(Connection c, List<String> tables) throws SQLException {
        for (String table : tables) {
            if (HanaRemoteSubscriptionReplication.count(
                            c,
                            "SELECT COUNT(*) FROM SYS.GRANTED_PRIVILEGES WHERE GRANTEE = ?"
                                    + " AND SCHEMA_NAME = ? AND OBJECT_NAME = ? AND PRIVILEGE = 'INSERT'",
                            app.appRole(),
                            app.schema(),
                            table)
                    > 0) {
                return true;
            }
        }
        return false;
    }

    private Connection open(String which) throws SQLException, ActuatorFailure {
        if (deadlineNanos - System.nanoTime() <= 0) {
            throw FenceFailure.NO_TIME_LEFT.exception("no time left to reach " + which + "'s database", null);
        }
        return connections.open(app.applicationId(), which);
    }

    private FenceResult result(boolean changed, String role, long fencingEpoch) {
        Map<String, String> details = new TreeMap<>();
        details.put("role." + region, role + "@" + fencingEpoch);
        details.put("appCanWrite." + region, "false");
        return new FenceResult(changed, fencingEpoch, details);
    }
}
