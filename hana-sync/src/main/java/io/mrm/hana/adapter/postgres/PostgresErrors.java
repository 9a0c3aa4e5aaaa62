package io.mrm.hana.adapter.postgres;

import io.mrm.events.ack.ActuatorFailure;
import java.sql.SQLException;

/** Classifies PostgreSQL failures by SQLSTATE class: what a retry can cure and what it cannot. */
final class PostgresErrors {

    private PostgresErrors() {}

    static ActuatorFailure classify(String doing, SQLException e) {
        String state = e.getSQLState() == null ? "" : e.getSQLState();
        return ActuatorFailure.of(
                retriable(state), "PG_" + (state.isEmpty() ? "UNKNOWN" : state), doing + ": " + e.getMessage(), e);
    }

    /**
     * 08 connection, 40 serialization failure or deadlock, 53 insufficient resources, 55 object in
     * use / lock not available, 57 operator intervention (shutdown, cancel) are retriable; 28
     * authentication, 42 syntax or privilege, 3D missing database and the rest are not.
     */
    static boolean retriable(String sqlState) {
        if (sqlState == null || sqlState.length() < 2) {
            return true; // no state: the driver lost the connection before the server answered
        }
        return switch (sqlState.substring(0, 2)) {
            case "08", "40", "53", "55", "57", "58" -> true;
            default -> false;
        };
    }

    static boolean unreachable(SQLException e) {
        String state = e.getSQLState();
        return state == null || state.startsWith("08") || state.startsWith("57P");
    }
}
