package io.mrm.health.adapter;

import io.mrm.health.domain.ProbeResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SAP HANA Cloud: {@code SELECT 1 FROM DUMMY}, then the remote-subscription replication backlog of
 * this database and whether it holds subscriptions at all (the region that receives replication holds
 * them).
 *
 * <p>The backlog is the <em>sum</em> over all subscriptions of received minus applied messages.
 * (Counting rows of both columns, as SAP's own multi-region sample does, compares two equal row
 * counts and so always reads "no backlog".) A backlog over the threshold, or statistics that cannot be
 * read, is DEGRADED: the database answers, its replication does not keep up.
 */
public final class HanaCheck implements JdbcCheck {

    static final String SELECT_1 = "SELECT 1 FROM DUMMY";
    static final String BACKLOG = "SELECT COUNT(*), COALESCE(SUM(RECEIVED_MESSAGE_COUNT - APPLIED_MESSAGE_COUNT), 0)"
            + " FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS";

    private final long maxBacklog;

    /** @param maxBacklog messages received but not yet applied above which the result is DEGRADED */
    public HanaCheck(long maxBacklog) {
        this.maxBacklog = maxBacklog;
    }

    @Override
    public String name() {
        return SELECT_1;
    }

    public long maxBacklog() {
        return maxBacklog;
    }

    @Override
    public ProbeResult run(Connection connection, int queryTimeoutSeconds) throws SQLException {
        if (!JdbcCheck.answersOne(connection, SELECT_1, queryTimeoutSeconds)) {
            return ProbeResult.down(null, "SELECT 1 FROM DUMMY returned no 1");
        }
        long subscriptions;
        long backlog;
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = statement.executeQuery(BACKLOG)) {
                if (!rs.next()) {
                    return ProbeResult.degraded(null, "SELECT 1 ok; SYS.M_REMOTE_SUBSCRIPTION_STATISTICS gave no row");
                }
                subscriptions = rs.getLong(1);
                backlog = rs.getLong(2);
            }
        } catch (SQLException e) {
            return ProbeResult.degraded(null, "SELECT 1 ok; cannot read SYS.M_REMOTE_SUBSCRIPTION_STATISTICS: "
                    + Failures.message(e));
        }
        if (subscriptions == 0) {
            return ProbeResult.up(null, "SELECT 1 ok; holds no remote subscriptions");
        }
        String detail = "SELECT 1 ok; holds " + subscriptions + " remote subscription" + (subscriptions == 1 ? "" : "s")
                + ", replication backlog " + backlog + " messages (received - applied)";
        return backlog > maxBacklog
                ? ProbeResult.degraded(null, detail + ", over the maximum of " + maxBacklog)
                : ProbeResult.up(null, detail);
    }
}
