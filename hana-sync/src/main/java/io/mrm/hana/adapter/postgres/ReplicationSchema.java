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

    enum Role {
        PRIMARY,
        REPLICA,
        FENCED
    }

    record Fencing(long epoch, Role role) {}

    private ReplicationSchema() {}

    static void ensure(Connection c, PostgresApplication app) throws SQLException {
        ensureFencing(c);
        try (Statement s = c.createStatement()) {
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.replication_offset (pipeline text PRIMARY KEY,
                        offset_key bytea NOT NULL, offset_value bytea NOT NULL, applied_lsn bigint NOT NULL,
                        applied_at timestamptz NOT NULL)""");
            // a first copy of the primary's tables that this database, as a standby, still waits for
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.initial_copy (pipeline text PRIMARY KEY, state text NOT NULL,
                        updated_at timestamptz NOT NULL)""");
            // who applies each pipeline's changes to this database: the owner a batch checks before it commits
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.replication_owner (pipeline text PRIMARY KEY, owner text NOT NULL,
                        since timestamptz NOT NULL)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.drain_marker (application_id text PRIMARY KEY, seq bigint NOT NULL,
                        written_at timestamptz NOT NULL)""");
            s.execute("""
                    CREATE TABLE IF NOT EXISTS mrm.unreplicated_change (id bigserial PRIMARY KEY,
                        application_id text NOT NULL, source_region text NOT NULL, table_name text NOT NULL,
                        op text NOT NULL, row_key jsonb NOT NULL, row_image jsonb, source_lsn bigint NOT NULL,
                        committed_at timestamptz, recorded_at timestamptz NOT NULL)""");
        }
        // which drain wrote the marker: a drain is over when the target shows its own token. Added only
        // when missing: ALTER TABLE locks the table even when it changes nothing
        if (!exists(c, """
                SELECT 1 FROM information_schema.columns
                WHERE table_schema = 'mrm' AND table_name = 'drain_marker' AND column_name = ?""", "token")) {
            try (Statement s = c.createStatement()) {
                s.execute("ALTER TABLE mrm.drain_marker ADD COLUMN IF NOT EXISTS token text");
            }
        }
        for (TableName table : app.tables()) {
            if (primaryKey(c, table).isEmpty()) {
                throw new SQLException("table " + table + " does not exist or has no primary key", "42P01");
            }
        }
        if (!exists(c, "SELECT 1 FROM pg_publication WHERE pubname = ?", app.publication())) {
            try (Statement s = c.createStatement()) {
                s.execute("CREATE PUBLICATION " + app.publication() + " FOR TABLE "
                        + app.replicatedTables().stream().map(TableName::quoted).collect(Collectors.joining(", ")));
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
        try (PreparedStatement ps =
                c.prepareStatement("SELECT epoch, role FROM mrm.fencing WHERE application_id = ?")) {
            ps.setString(1, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Fencing(rs.getLong(1), Role.valueOf(rs.getString(2))))
                        : Optional.empty();
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

    /**
     * The WAL insert position now, in bytes from 0/0: past every commit record written so far, even
     * those of transactions that committed asynchronously and are not yet written out (the write
     * position, {@code pg_current_wal_lsn()}, can lie before commits already confirmed to their writer).
     */
    static long currentLsn(Connection c) throws SQLException {
        return single(c, "SELECT (pg_current_wal_insert_lsn() - '0/0'::pg_lsn)::bigint");
    }

    /** The highest source position applied by {@code pipeline} (-1 before its first change). */
    static long appliedLsn(Connection c, String pipeline) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT applied_lsn FROM mrm.replication_offset WHERE pipeline = ?")) {
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

    /** A drain's marker: its token, and the WAL insert position right after its commit. */
    record DrainMark(String token, long lsn) {}

    /**
     * Commits a marker row with a fresh token, synchronously: its commit flushes the WAL up to it, so
     * every transaction that committed before it (asynchronously or not) is durable and will be
     * decoded before it. The caller waits until the target shows the token; changes arrive in commit
     * order, so by then everything committed before the marker is applied.
     */
    static DrainMark writeMarker(Connection c, String applicationId) throws SQLException {
        String token = java.util.UUID.randomUUID().toString();
        boolean autoCommit = c.getAutoCommit();
        c.setAutoCommit(false);
        try {
            try (Statement s = c.createStatement()) {
                s.execute("SET LOCAL synchronous_commit = on");
            }
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO mrm.drain_marker AS m (application_id, seq, written_at, token) VALUES (?, 1, now(), ?)
                    ON CONFLICT (application_id) DO UPDATE SET seq = m.seq + 1, written_at = now(),
                        token = EXCLUDED.token""")) {
                ps.setString(1, applicationId);
                ps.setString(2, token);
                ps.executeUpdate();
            }
            c.commit();
        } catch (SQLException e) {
            c.rollback();
            throw e;
        } finally {
            c.setAutoCommit(autoCommit);
        }
        return new DrainMark(token, currentLsn(c));
    }

    /** Whether the target has applied the marker with {@code token}. */
    static boolean markerApplied(Connection c, String applicationId, String token) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT token FROM mrm.drain_marker WHERE application_id = ?")) {
            ps.setString(1, applicationId);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() && token.equals(rs.getString(1));
            }
        }
    }

    static boolean slotExists(Connection c, String slot) throws SQLException {
        return exists(c, "SELECT 1 FROM pg_replication_slots WHERE slot_name = ?", slot);
    }

    /**
     * Makes {@code owner} the one that applies {@code pipeline} to this (the target) database. A batch
     * of the previous owner still under way either commits before this (and the new owner starts after
     * it) or fails its ownership check after it: the row lock orders the two.
     */
    static void takeOwnership(Connection c, String pipeline, String owner) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mrm.replication_owner (pipeline, owner, since) VALUES (?, ?, now())
                ON CONFLICT (pipeline) DO UPDATE SET owner = EXCLUDED.owner, since = now()""")) {
            ps.setString(1, pipeline);
            ps.setString(2, owner);
            ps.executeUpdate();
        }
    }

    /** Inside a batch's transaction: the owner row, locked until the batch commits; null without one. */
    static String lockedOwner(Connection c, String pipeline) throws SQLException {
        try (PreparedStatement ps =
                c.prepareStatement("SELECT owner FROM mrm.replication_owner WHERE pipeline = ? FOR SHARE")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getString(1) : null;
            }
        }
    }

    static String setting(Connection c, String name) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("SELECT current_setting(?)")) {
            ps.setString(1, name);
            try (ResultSet rs = ps.executeQuery()) {
                rs.next();
                return rs.getString(1);
            }
        }
    }

    /** Records that {@code pipeline}'s target still needs (PENDING) or has (DONE) its first copy. */
    static void initialCopy(Connection c, String pipeline, String state) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                INSERT INTO mrm.initial_copy (pipeline, state, updated_at) VALUES (?, ?, now())
                ON CONFLICT (pipeline) DO UPDATE SET state = EXCLUDED.state, updated_at = now()""")) {
            ps.setString(1, pipeline);
            ps.setString(2, state);
            ps.executeUpdate();
        }
    }

    static boolean initialCopyPending(Connection c, String pipeline) throws SQLException {
        return exists(c, "SELECT 1 FROM mrm.initial_copy WHERE pipeline = ? AND state = 'PENDING'", pipeline);
    }

    /** Whether any of the tables holds a row. */
    static boolean anyRows(Connection c, List<TableName> tables) throws SQLException {
        for (TableName t : tables) {
            try (Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT 1 FROM " + t.quoted() + " LIMIT 1")) {
                if (rs.next()) {
                    return true;
                }
            }
        }
        return false;
    }

    static void truncate(Connection c, List<TableName> tables) throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + list(tables));
        }
    }

    /** Ends the session reading {@code slot}, if any: a previous owner's capture, which may be a zombie. */
    static void endSlotReader(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pg_terminate_backend(active_pid) FROM pg_replication_slots
                WHERE slot_name = ? AND active_pid IS NOT NULL""")) {
            ps.setString(1, slot);
            ps.execute();
        }
    }

    /**
     * A replication slot as this database sees it.
     *
     * @param active      someone (a capture) reads it now
     * @param walStatus   {@code reserved}, {@code extended}, {@code unreserved}, or {@code lost} once
     *                    PostgreSQL removed WAL it needed under {@code max_slot_wal_keep_size}
     * @param retainedWal the WAL it keeps here, in bytes from its restart position to now
     */
    record Slot(boolean active, String walStatus, long retainedWal) {
        boolean lost() {
            return "lost".equals(walStatus);
        }
    }

    /** The slot, or empty without one. */
    static Optional<Slot> slot(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT active, COALESCE(wal_status, 'unknown'),
                    COALESCE((pg_current_wal_insert_lsn() - restart_lsn)::bigint, 0)
                FROM pg_replication_slots WHERE slot_name = ?""")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next()
                        ? Optional.of(new Slot(rs.getBoolean(1), rs.getString(2), rs.getLong(3)))
                        : Optional.empty();
            }
        }
    }

    /** The slot's confirmed position as a WAL byte position, or -1 without the slot or a confirmed position. */
    static long confirmedFlushLsn(Connection c, String slot) throws SQLException {
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT (confirmed_flush_lsn - '0/0'::pg_lsn)::bigint FROM pg_replication_slots
                WHERE slot_name = ? AND confirmed_flush_lsn IS NOT NULL""")) {
            ps.setString(1, slot);
            try (ResultSet rs = ps.executeQuery()) {
                return rs.next() ? rs.getLong(1) : -1;
            }
        }
    }

    /** Created with no transaction open in this database, so it starts at a consistent point. */
    static void createSlot(Connection c, String slot) throws SQLException {
        if (!slotExists(c, slot)) {
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT pg_create_logical_replication_slot(?, 'pgoutput')")) {
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
            try (PreparedStatement ps =
                    c.prepareStatement("SELECT has_table_privilege(?, ?, 'INSERT,UPDATE,DELETE')")) {
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
     * sessions are ended so transactions still open roll back instead of committing later, and this
     * waits until they are gone: ending a session is only asked for, and a COMMIT already under way
     * completes first. Sessions the application opens afterwards cannot write, so only those that
     * existed at the REVOKE are waited for.
     *
     * @param deadlineNanos when to give up ({@link System#nanoTime()}); the sessions still there are
     *                      then reported as a retriable failure (SQLSTATE 55006, object in use)
     */
    static void revokeWrites(Connection c, String role, List<TableName> tables, long deadlineNanos)
            throws SQLException {
        try (Statement s = c.createStatement()) {
            s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON " + list(tables) + " FROM " + role);
        }
        List<Long> sessions = new ArrayList<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT pid FROM pg_stat_activity
                WHERE usename = ? AND datname = current_database() AND pid <> pg_backend_pid()""")) {
            ps.setString(1, role);
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    sessions.add(rs.getLong(1));
                }
            }
        }
        while (!sessions.isEmpty()) {
            try (PreparedStatement ps = c.prepareStatement("""
                    SELECT pid, pg_terminate_backend(pid) FROM pg_stat_activity
                    WHERE pid = ANY(?) AND usename = ? AND datname = current_database()""")) {
                ps.setArray(
                        1,
                        c.createArrayOf(
                                "int4", sessions.stream().map(Long::intValue).toArray()));
                ps.setString(2, role);
                List<Long> left = new ArrayList<>();
                try (ResultSet rs = ps.executeQuery()) {
                    while (rs.next()) {
                        left.add(rs.getLong(1));
                    }
                }
                sessions = left;
            }
            if (sessions.isEmpty()) {
                return;
            }
            if (System.nanoTime() > deadlineNanos) {
                throw new SQLException(
                        sessions.size() + " session(s) of " + role + " still running after they were " + "told to end: "
                                + sessions,
                        "55006");
            }
            pause();
        }
    }

    /** {@link #revokeWrites(Connection, String, List, long)} with the usual 10 s for sessions to end. */
    static void revokeWrites(Connection c, String role, List<TableName> tables) throws SQLException {
        revokeWrites(c, role, tables, System.nanoTime() + 10_000_000_000L);
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
        try (Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
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
