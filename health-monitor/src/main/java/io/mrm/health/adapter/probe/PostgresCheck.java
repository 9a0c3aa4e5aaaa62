package io.mrm.health.adapter.probe;

import io.mrm.health.domain.ProbeResult;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;

/**
 * PostgreSQL (the local data backend): {@code SELECT 1}; when a replication slot is named, also how
 * far that slot's consumer (the change-data-capture sync) is behind the current WAL position, in
 * bytes. A lag over the threshold, a missing slot or a lag that cannot be read (e.g. on a standby in
 * recovery) is DEGRADED: the database answers, its replication does not keep up.
 */
public final class PostgresCheck implements JdbcCheck {

    static final String SELECT_1 = "SELECT 1";
    static final String SLOT_LAG =
            "SELECT pg_wal_lsn_diff(pg_current_wal_lsn(), COALESCE(confirmed_flush_lsn, restart_lsn))"
                    + " FROM pg_replication_slots WHERE slot_name = ?";

    private final String replicationSlot;
    private final long maxLagBytes;

    /**
     * @param replicationSlot the slot whose lag to report, or null for {@code SELECT 1} only
     * @param maxLagBytes     lag above which the result is DEGRADED
     */
    public PostgresCheck(String replicationSlot, long maxLagBytes) {
        this.replicationSlot = replicationSlot == null || replicationSlot.isBlank() ? null : replicationSlot;
        this.maxLagBytes = maxLagBytes;
    }

    @Override
    public String name() {
        return SELECT_1;
    }

    public String replicationSlot() {
        return replicationSlot;
    }

    public long maxLagBytes() {
        return maxLagBytes;
    }

    @Override
    public ProbeResult run(Connection connection, int queryTimeoutSeconds) throws SQLException {
        if (!JdbcCheck.answersOne(connection, SELECT_1, queryTimeoutSeconds)) {
            return ProbeResult.down(null, "SELECT 1 returned no 1");
        }
        if (replicationSlot == null) {
            return ProbeResult.up(null, "SELECT 1 ok");
        }
        Long lag;
        try (PreparedStatement statement = connection.prepareStatement(SLOT_LAG)) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            statement.setString(1, replicationSlot);
            try (ResultSet rs = statement.executeQuery()) {
                if (!rs.next()) {
                    return ProbeResult.degraded(
                            null, "SELECT 1 ok; replication slot '" + replicationSlot + "' not found");
                }
                long value = rs.getLong(1);
                lag = rs.wasNull() ? null : value;
            }
        } catch (SQLException e) {
            return ProbeResult.degraded(
                    null,
                    "SELECT 1 ok; cannot read the lag of replication slot '" + replicationSlot + "': "
                            + Failures.message(e));
        }
        if (lag == null) {
            return ProbeResult.degraded(
                    null, "SELECT 1 ok; replication slot '" + replicationSlot + "' has no confirmed position yet");
        }
        String detail = "SELECT 1 ok; replication slot '" + replicationSlot + "' lag " + lag + " bytes";
        return lag > maxLagBytes
                ? ProbeResult.degraded(null, detail + ", over the maximum of " + maxLagBytes)
                : ProbeResult.up(null, detail);
    }
}
