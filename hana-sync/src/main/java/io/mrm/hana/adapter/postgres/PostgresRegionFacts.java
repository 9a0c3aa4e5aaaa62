package io.mrm.hana.adapter.postgres;

import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Fencing;
import io.mrm.hana.adapter.postgres.ReplicationSchema.Slot;
import java.net.SocketTimeoutException;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * What one region's database shows the readiness checks, read in one read-only transaction as the user
 * hana-sync logs in with, and rolled back: who that user is and what it may do (role attributes,
 * {@code has_*_privilege}, membership in the owners of the replicated tables), hana-sync's own tables
 * and the application's fencing row, the slot feeding the other region, the publication and the WAL
 * positions. Catalog reads only, so a missing privilege is seen, not run into.
 */
final class PostgresRegionFacts {

    /** hana-sync's tables in schema {@code mrm} whose privileges a step needs. */
    static final List<String> MRM_TABLES = List.of("fencing", "replication_offset", "drain_marker");

    final String region;
    /** Why the database could not be read; null when it was. */
    String unreadable;

    ReadinessStatus unreadableStatus = ReadinessStatus.UNKNOWN;
    String user;
    boolean superuser;
    boolean replication;
    boolean databaseCreate;
    boolean schemaExists;
    boolean schemaUsage;
    boolean schemaCreate;
    /** mrm table → the privileges (SELECT, INSERT, UPDATE) the user holds on it; absent: no such table. */
    final Map<String, Set<String>> mrmTables = new HashMap<>();

    Optional<Fencing> fencing = Optional.empty();
    final List<TableName> missingTables = new ArrayList<>();
    /** Tables whose owner the user is not (a member of): GRANT and REVOKE would not act as the owner. */
    final List<TableName> notOwned = new ArrayList<>();

    boolean appRoleExists;
    /** May end the application role's sessions: superuser, member of that role or of pg_signal_backend. */
    boolean mayEndAppSessions;

    boolean createSlotFunction;
    boolean dropSlotFunction;
    boolean terminateFunction;
    /** The slot on this database that feeds the other region. */
    Optional<Slot> slotToOther = Optional.empty();

    long slotToOtherConfirmed = -1;
    boolean publication;
    long currentLsn = -1;
    /** The last position of the other region this database applied (-1: none). */
    long appliedFromOther = -1;

    private PostgresRegionFacts(String region) {
        this.region = region;
    }

    boolean readable() {
        return unreadable == null;
    }

    boolean mayUseFencing() {
        return schemaUsage && holds("fencing", "SELECT", "INSERT", "UPDATE");
    }

    boolean holds(String mrmTable, String... privileges) {
        Set<String> held = mrmTables.get(mrmTable);
        return held != null && held.containsAll(List.of(privileges));
    }

    static PostgresRegionFacts read(PostgresApplication app, String region, Duration within) {
        PostgresRegionFacts facts = new PostgresRegionFacts(region);
        String other = app.other(region);
        try (Connection c = app.region(region).connect(within)) {
            // a read-only transaction, rolled back: a check cannot change the database even by mistake
            c.setAutoCommit(false);
            c.setReadOnly(true);
            try {
                facts.readRole(c, app);
                facts.readMrm(c, app);
                facts.readTables(c, app);
                facts.readReplication(c, app, other);
            } finally {
                c.rollback();
            }
        } catch (SQLException e) {
            facts.unreadable = describe(app, region, e);
            facts.unreadableStatus = conclusive(e) ? ReadinessStatus.NOT_READY : ReadinessStatus.UNKNOWN;
        }
        return facts;
    }

    private void readRole(Connection c, PostgresApplication app) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT rolname, rolsuper, rolreplication, has_database_privilege(current_database(), 'CREATE'),
                    pg_has_role('pg_signal_backend', 'USAGE')
                FROM pg_roles WHERE rolname = current_user""");
                ResultSet rs = ps.executeQuery()) {
            rs.next();
            user = rs.getString(1);
            superuser = rs.getBoolean(2);
            replication = rs.getBoolean(3);
            databaseCreate = rs.getBoolean(4);
            mayEndAppSessions = superuser || rs.getBoolean(5);
        }
        try (PreparedStatement ps =
                c.prepareStatement("SELECT pg_has_role(oid, 'USAGE') FROM pg_roles WHERE rolname = ?")) {
            ps.setString(1, app.appRole());
            try (ResultSet rs = ps.executeQuery()) {
                appRoleExists = rs.next();
                mayEndAppSessions |= appRoleExists && rs.getBoolean(1);
            }
        }
        createSlotFunction = mayExecute(c, "pg_create_logical_replication_slot");
        dropSlotFunction = mayExecute(c, "pg_drop_replication_slot");
        terminateFunction = mayExecute(c, "pg_terminate_backend");
    }

    private void readMrm(Connection c, PostgresApplication app) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT has_schema_privilege(oid, 'USAGE'), has_schema_privilege(oid, 'CREATE')
                FROM pg_namespace WHERE nspname = 'mrm'""");
                ResultSet rs = ps.executeQuery()) {
            schemaExists = rs.next();
            schemaUsage = schemaExists && rs.getBoolean(1);
            schemaCreate = schemaExists && rs.getBoolean(2);
        }
        for (String table : MRM_TABLES) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT has_table_privilege(c.oid, 'SELECT'), has_table_privilege(c.oid, 'INSERT'),
                        has_table_privilege(c.oid, 'UPDATE')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = 'mrm' AND c.relname = ? AND c.relkind IN ('r', 'p')""")) {
                ps.setString(1, table);
                try (ResultSet rs = ps.executeQuery()) {
                    if (rs.next()) {
                        Set<String> held = new HashSet<>();
                        String[] names = {"SELECT", "INSERT", "UPDATE"};
                        for (int i = 0; i < names.length; i++) {
                            if (rs.getBoolean(i + 1)) {
                                held.add(names[i]);
                            }
                        }
                        mrmTables.put(table, held);
                    }
                }
            }
        }
        if (schemaUsage && holds("fencing", "SELECT")) {
            fencing = ReplicationSchema.fencing(c, app.applicationId());
        }
    }

    private void readTables(Connection c, PostgresApplication app) throws SQLException {
        for (TableName table : app.tables()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pg_has_role(c.relowner, 'MEMBER')
                    FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
                    WHERE n.nspname = ? AND c.relname = ? AND c.relkind IN ('r', 'p')""")) {
                ps.setString(1, table.schema());
                ps.setString(2, table.name());
                try (ResultSet rs = ps.executeQuery()) {
                    if (!rs.next()) {
                        missingTables.add(table);
                    } else if (!rs.getBoolean(1)) {
                        notOwned.add(table);
                    }
                }
            }
        }
    }

    private void readReplication(Connection c, PostgresApplication app, String other) throws SQLException {
        slotToOther = ReplicationSchema.slot(c, app.slotName(other));
        slotToOtherConfirmed = ReplicationSchema.confirmedFlushLsn(c, app.slotName(other));
        try (PreparedStatement ps = c.prepareStatement("SELECT 1 FROM pg_publication WHERE pubname = ?")) {
            ps.setString(1, app.publication());
            try (ResultSet rs = ps.executeQuery()) {
                publication = rs.next();
            }
        }
        currentLsn = ReplicationSchema.currentLsn(c);
        if (schemaUsage && holds("replication_offset", "SELECT")) {
            appliedFromOther =
                    ReplicationSchema.appliedLsn(c, PostgresDebeziumReplication.pipelineId(app, other, region));
        }
    }

    private static boolean mayExecute(Connection c, String function) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT COALESCE(bool_and(has_function_privilege(oid, 'EXECUTE')), false) FROM pg_proc WHERE proname = ?")) {
            ps.setString(1, function);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getBoolean(1);
            }
        }
    }

    private static String describe(PostgresApplication app, String region, SQLException e) {
        PostgresRegion r = app.region(region);
        String state = e.getSQLState() == null ? "" : " (SQLSTATE " + e.getSQLState() + ")";
        if (e.getSQLState() != null && e.getSQLState().startsWith("28")) {
            return "the database of " + region + " refused the login of " + r.user() + state + ": " + e.getMessage()
                    + "; check the user and password configured for " + region;
        }
        if (timedOut(e)) {
            return "the database of " + region + " (" + r.host() + ":" + r.port() + ") did not answer in time: "
                    + e.getMessage();
        }
        return "the database of " + region + " (" + r.host() + ":" + r.port() + ") could not be read as " + r.user()
                + state + ": " + e.getMessage();
    }

    /**
     * A refused login, a missing database or privilege, or a refused connection says the step would fail;
     * a timeout says only that nothing answered in time.
     */
    private static boolean conclusive(SQLException e) {
        return !timedOut(e);
    }

    private static boolean timedOut(SQLException e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof SocketTimeoutException
                    || (t.getMessage() != null
                            && t.getMessage().toLowerCase(java.util.Locale.ROOT).contains("timed out"))) {
                return true;
            }
        }
        return false;
    }
}
