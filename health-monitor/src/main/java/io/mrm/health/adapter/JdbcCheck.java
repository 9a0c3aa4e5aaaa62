package io.mrm.health.adapter;

import io.mrm.health.domain.ProbeResult;
import java.sql.Connection;
import java.sql.SQLException;

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
}
