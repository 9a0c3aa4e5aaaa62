package io.mrm.health.adapter.probe;

import io.mrm.health.domain.ProbeResult;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;

/** What a database probe asks once it has a connection. */
public interface JdbcCheck {

    /** For details, e.g. {@code SELECT 1}. */
    String name();

    /**
     * Runs the check. The result's latency is ignored (the probe measures it).
     *
     * @throws SQLException when the database cannot be asked at all: the probe reports DOWN
     */
    ProbeResult run(Connection connection, int queryTimeoutSeconds) throws SQLException;

    /** Whether {@code sql} (a {@code SELECT 1} of the database's dialect) answers 1 within the timeout. */
    static boolean answersOne(Connection connection, String sql, int queryTimeoutSeconds) throws SQLException {
        try (Statement statement = connection.createStatement()) {
            statement.setQueryTimeout(queryTimeoutSeconds);
            try (ResultSet rs = statement.executeQuery(sql)) {
                return rs.next() && rs.getInt(1) == 1;
            }
        }
    }
}
