package io.mrm.hana.adapter.hana;

import io.mrm.events.ack.ActuatorFailure;
import java.sql.SQLException;
import java.util.Set;

/** Classifies SAP HANA failures by error code: what a retry can cure and what it cannot. */
final class HanaErrors {

    /**
     * 131 lock wait timeout, 133 deadlock, 613 statement timeout, 1038 connection timeout, -10709
     * connection failed, -10807 connection lost, -10108 session closed; also any SQLSTATE 08 (connection).
     */
    private static final Set<Integer> RETRIABLE = Set.of(131, 133, 613, 1038, -10709, -10807, -10108);

    private HanaErrors() {}

    static ActuatorFailure classify(String doing, SQLException e) {
        return ActuatorFailure.of(retriable(e), "HANA_" + e.getErrorCode(), doing + ": " + e.getMessage(), e);
    }

    static boolean retriable(SQLException e) {
        return RETRIABLE.contains(e.getErrorCode())
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }

    static boolean unreachable(SQLException e) {
        return e.getErrorCode() == -10709
                || e.getErrorCode() == -10807
                || (e.getSQLState() != null && e.getSQLState().startsWith("08"));
    }
}
