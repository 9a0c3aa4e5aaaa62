package io.mrm.hana.adapter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.stream.Collectors;

/**
 * The statements hana-sync runs in each region's database, besides applying changes. Names in SQL
 * text are only {@link TableName}s and identifiers checked by {@link TableName#identifier}; values
 * are bound parameters.
 */
final class ReplicationSchema {

    static final TableName MARKER = new TableName("mrm", "drain_marker");

    enum Role { PRIMARY, REPLICA, FENCED }

    record Fencing(long epoch, Role role) {
    }

    private ReplicationSchema() {
    }

    static void ensure(Connection c, PostgresApplication app) throws SQLException {
        ensureFencing(c);
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.replication_offset (pipeline text PRIMARY KEY,
                        offset_key bytea NOT NULL, offset_value bytea NOT NULL, applied_lsn bigint NOT NULL,
                        applied_at timestamptz NOT NULL)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.drain_marker (application_id text PRIMARY KEY, seq bigint NOT NULL,
                        written_at timestamptz NOT NULL)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.unreplicated_change (id bigserial PRIMARY KEY,
                        application_id text NOT NULL, source_region text NOT NULL, table_name text NOT NULL,
                        op text NOT NULL, row_key jsonb NOT NULL, row_image jsonb, source_lsn bigint NOT NULL,
                        committed_at timestamptz, recorded_at timestamptz NOT NULL)""");
        }
        for (TableName table : app.tables()) {
            if (primaryKey(c, table).isEmpty()) {
                throw new SQLException("table " + table + " does not exist or has no primary key", "42P01");
            }
        }
        if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", app.publication())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE PUBLICATION " + app.publication() + " FOR TABLE " + app.replicatedTables().stream()
                        .map(TableName::quoted).collect(Collectors.joining(", ")));
            }
        }
    }

    /** The fencing table alone: what a fence needs on a database that may never have been set up. */
    static void ensureFencing(Connection c) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("CREATE SCHEMA IF NOT EXISTS mrm");
            // the epoch of the decision that last changed this database's role; never replicated
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.fencing (application_id text PRIMARY KEY, epoch bigint NOT NULL,
                        role text NOT NULL, updated_at timestamptz NOT NULL)""");
        }
    }

    static List<String> primaryKey(Connection c, TableName table) throws SQLException {
        List<String> columns = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname FROM pg_index i
                JOIN pg_class r ON r.oid = i.indrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                JOIN pg_attribute a ON a.attrelid = r.oid AND a.attnum = ANY(i.indkey)
                WHERE i.indisprimary AND n.nspname = ? AND r.relname = ? ORDER BY a.attnum""")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    columns.add(rs.getString(1));
                }
            }
        }
        return columns;
    }

    static Optional<Fencing> fencing(Connection c, String applicationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT epoch, role FROM mrm.fencing WHERE application_id = ?")) {
            ps.setString(1, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? Optional.of(new Fencing(rs.getLong(1), Role.valueOf(rs.getString(2)))) : Optional.empty();
            }
        }
    }

    /** Writes the row only when none exists (first start). */
    static void initialFencing(Connection c, String applicationId, Role role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mrm.fencing (application_id, epoch, role, updated_at) VALUES (?, 0, ?, now())
                ON CONFLICT (application_id) DO NOTHING""")) {
            ps.setString(1, applicationId);
            ps.setString(2, role.name());
            ps.executeUpdate();
        }
    }

    /**
     * The conditional update that fences: the role changes only if the stored epoch is not higher
     * than {@code epoch}, checked and written in one statement.
     *
     * @return false when a higher epoch is stored
     */
    static boolean fence(Connection c, String applicationId, long epoch, Role role) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mrm.fencing AS f (application_id, epoch, role, updated_at) VALUES (?, ?, ?, now())
                ON CONFLICT (application_id) DO UPDATE SET epoch = EXCLUDED.epoch, role = EXCLUDED.role,
                    updated_at = now()
                WHERE f.epoch <= EXCLUDED.epoch""")) {
            ps.setString(1, applicationId);
            ps.setLong(2, epoch);
            ps.setString(3, role.name());
            return ps.executeUpdate() == 1;
        }
    }

    /** The WAL position now, in bytes from 0/0. */
    static long currentLsn(Connection c) throws SQLException {
        return single(c, "SELECT (pg_current_wal_lsn() - '0/0'::pg_lsn)::bigint");
    }

    /** The highest source position applied by {@code pipeline} (-1 before its first change). */
    static long appliedLsn(Connection c, String pipeline) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(
                "SELECT applied_lsn FROM mrm.replication_offset WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    static void forgetPosition(Connection c, String pipeline) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("DELETE FROM mrm.replication_offset WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            ps.executeUpdate();
        }
    }

    /** A replicated write committed after the caller read the WAL position, so a drain always has a change to wait for. */
    static void writeMarker(Connection c, String applicationId) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mrm.drain_marker AS m (application_id, seq, written_at) VALUES (?, 1, now())
                ON CONFLICT (application_id) DO UPDATE SET seq = m.seq + 1, written_at = now()""")) {
            ps.setString(1, applicationId);
            ps.executeUpdate();
        }
    }

    static boolean slotExists(Connection c, String slot) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot);
    }

    /** Created with no transaction open in this database, so it starts at a consistent point. */
    static void createSlot(Connection c, String slot) throws SQLException {
        if (!slotExists(c, slot)) {
            try (PreparedStatement ps = c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
                ps.setString(1, slot);
                ps.execute();
            }
        }
    }

    static void dropSlot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
                WHERE slot_name = ? AND active_pid IS NOT NULL""")) {
            ps.setString(1, slot);
            ps.execute();
        }
        long until = System.nanoTime() + 10_000_000_000L;
        while (exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot)) {
            if (!exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ? AND active_pid IS NOT NULL", slot)) {
                try (PreparedStatement ps = c.prepareStatement("SELECT pg_drop_replication_slot(?)")) {
                    ps.setString(1, slot);
                    ps.execute();
                }
                return;
            }
            if (System.nanoTime() > until) {
                throw new SQLException("replication slot " + slot + " is still in use", "55006");
            }
            pause();
        }
    }

    static boolean canWrite(Connection c, String role, List<TableName> tables) throws SQLException {
        for (TableName t : tables) {
            try (PreparedStatement ps = c.prepareStatement("SELECT has_table_privilege(?, ?, 'INSERT,UPDATE,DELETE')")) {
                ps.setString(1, role);
                ps.setString(2, t.quoted());
                try (ResultSet rs = ps.executeQuery()) {
                    rs.next();
                    if (rs.getBoolean(1)) {
                        return true;
                    }
                }
            }
        }
        return false;
    }

    /**
     * Fences a database against the application: its role loses the right to write (checked on every
     * statement, so no session can opt out, unlike {@code default_transaction_read_only}), then its
     * sessions are ended so transactions still open roll back instead of committing later.
     */
    static void revokeWrites(Connection c, String role, List<TableName> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON " + list(tables) + " FROM " + role);
        }
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_terminate_backend(pid) FROM pg_stat_activity
                WHERE usename = ? AND datname = current_database() AND pid <> pg_backend_pid()""")) {
            ps.setString(1, role);
            ps.execute();
        }
    }

    static void grantWrites(Connection c, String role, List<TableName> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("GRANT INSERT, UPDATE, DELETE ON " + list(tables) + " TO " + role);
        }
    }

    private static String list(List<TableName> tables) {
        return tables.stream().map(TableName::quoted).collect(Collectors.joining(", "));
    }

    private static long single(Connection c, String sql) throws SQLException {
        try (Statement s = c.createStatement(); ResultSet rs = s.executeQuery(sql)) {
            rs.next();
            return rs.getLong(1);
        }
    }

    private static boolean exists(Connection c, String sql, String param) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement(sql)) {
            ps.setString(1, param);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next();
            }
        }
    }

    static void pause() {
        try {
            Thread.sleep(20);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
