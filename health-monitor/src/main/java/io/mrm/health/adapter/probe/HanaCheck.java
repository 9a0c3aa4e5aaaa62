package io.mrm.health.adapter.probe;

import io.mrm.health.domain.ProbeResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/**
 * SAP HANA Cloud: {@code SELECT 1 FROM DUMMY}, then the remote-subscription replication backlog of
 * this database and whether it holds subscriptions at all (the region that receives replication holds
 * them), then whether each subscription streams: a link that stalled receives nothing, so its backlog
 * reads 0 — its state ({@code SYS.M_REMOTE_SUBSCRIPTIONS.STATE}, {@code APPLY_CHANGE_DATA} while it
 * streams) and, if {@code maxApplyAge} is set, the time since it last applied a transaction tell.
 * DEGRADED, never UP, when either says it does not.
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

    /** Each subscription's state and seconds since it last applied a transaction (the server's clock). */
    static final String STREAMING = "SELECT SUBSCRIPTION_NAME, STATE, SECONDS_BETWEEN(LAST_PROCESSED_TRANSACTION_TIME, "
            + "CURRENT_TIMESTAMP) FROM SYS.M_REMOTE_SUBSCRIPTIONS";

    static final String APPLYING = "APPLY_CHANGE_DATA";

    private final long maxBacklog;
    private final java.time.Duration maxApplyAge;

    /** @param maxBacklog messages received but not yet applied above which the result is DEGRADED */
    public HanaCheck(long maxBacklog) {
        this(maxBacklog, null);
    }

    /**
     * @param maxBacklog  messages received but not yet applied above which the result is DEGRADED
     * @param maxApplyAge a subscription that applied nothing for longer is DEGRADED; null: not checked
     */
    public HanaCheck(long maxBacklog, java.time.Duration maxApplyAge) {
        this.maxBacklog = maxBacklog;
        this.maxApplyAge = maxApplyAge;
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
            return ProbeResult.degraded(
                    null, "SELECT 1 ok; cannot read SYS.M_REMOTE_SUBSCRIPTION_STATISTICS: " + Failures.message(e));
        }
        if (subscriptions == 0) {
            return ProbeResult.up(null, "SELECT 1 ok; holds no remote subscriptions");
        }
        String detail = "SELECT 1 ok; holds " + subscriptions + " remote subscription" + (subscriptions == 1 ? "" : "s")
                + ", replication backlog " + backlog + " messages (received - applied)";
        if (backlog > maxBacklog) {
            return ProbeResult.degraded(null, detail + ", over the maximum of " + maxBacklog);
        }
        String stalled;
        try {
            stalled = notStreaming(connection, queryTimeoutSeconds);
        } catch (SQLException e) {
            return ProbeResult.degraded(
                    null, detail + "; cannot read SYS.M_REMOTE_SUBSCRIPTIONS: " + Failures.message(e));
        }
        return stalled != null ? ProbeResult.degraded(null, detail + "; " + stalled) : ProbeResult.up(null, detail);
    }

    /** The first subscription that does not stream (its state, or no change applied for too long), or null. */
    private String notStreaming(Connection connection, int queryTimeoutSeconds) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = statement.executeQuery(STREAMING)) {
                while (rs.next()) {
                    String name = rs.getString(1);
                    String state = rs.getString(2);
                    long age = rs.getLong(3);
                    boolean neverApplied = rs.wasNull();
                    if (!APPLYING.equals(state)) {
                        return "subscription " + name + " is in state " + state + ", not streaming changes (" + APPLYING
                                + ")";
                    }
                    if (maxApplyAge != null && (neverApplied || age > maxApplyAge.toSeconds())) {
                        return "subscription " + name + " applied no change "
                                + (neverApplied ? "yet" : "for " + age + " s") + " (at most " + maxApplyAge.toSeconds()
                                + " s): the link "
                                + "may have stalled";
                    }
                }
            }
        }
        return null;
    }
}
