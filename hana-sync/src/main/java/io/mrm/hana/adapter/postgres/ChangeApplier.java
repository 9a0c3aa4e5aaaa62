package io.mrm.hana.adapter.postgres;

import io.debezium.engine.ChangeEvent;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.nio.ByteBuffer;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.time.LocalTime;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.kafka.connect.data.Field;
import org.apache.kafka.connect.data.Schema;
import org.apache.kafka.connect.data.Struct;
import org.apache.kafka.connect.json.JsonConverter;
import org.apache.kafka.connect.source.SourceRecord;

/**
 * Applies captured changes to the target database in commit order: inserts and updates as upserts by
 * primary key (full row images), deletes by key. Each batch is one transaction that also writes the
 * source position ({@code mrm.replication_offset}), so a crash either keeps a batch with its position
 * or neither. Upserts and deletes by key are idempotent as well, so even a change delivered twice
 * leaves the same row.
 *
 * <p>Each batch first locks its pipeline's row in {@code mrm.replication_owner} and goes on only when
 * this capture still owns it: when another instance took the pipeline over (its partition moved, or
 * this one was paused long enough to be given up for dead), a batch this one still held is not
 * written over what the new owner applied.
 */
final class ChangeApplier implements AutoCloseable {

    /** SQLSTATE of the failure a batch reports when its pipeline has another owner (not retriable). */
    static final String OWNERSHIP_LOST = "MRM01";

    private final PostgresRegion target;
    private final String pipeline;
    private final String engineName;
    private final ReplicationLagListener lag;
    private final String recordFor;
    private final String sourceRegion;
    private final String owner;
    /** Applying a first copy: marked done in the target with the first batch that goes past it. */
    private boolean copying;

    private final JsonConverter rowConverter = new JsonConverter();
    private final JsonConverter keyConverter = new JsonConverter();
    private final JsonConverter valueConverter = new JsonConverter();
    /** Per target table, its columns as the target's catalog has them: read once, again after a refusal. */
    private final Map<String, Map<String, StandbyColumn>> catalog = new HashMap<>();

    private final Map<String, PreparedStatement> statements = new HashMap<>();
    private volatile Connection connection;

    /**
     * @param recordFor null to apply changes; an application id to record them instead in
     *                  {@code mrm.unreplicated_change} (what an old primary committed that the target never got)
     */
    ChangeApplier(
            PostgresRegion target,
            String pipeline,
            String engineName,
            ReplicationLagListener lag,
            String recordFor,
            String sourceRegion,
            String owner,
            boolean initialCopy) {
        this.owner = owner;
        this.copying = initialCopy;
        this.target = target;
        this.pipeline = pipeline;
        this.engineName = engineName;
        this.lag = lag;
        this.recordFor = recordFor;
        this.sourceRegion = sourceRegion;
        rowConverter.configure(Map.of("schemas.enable", "false"), false);
        // the same encoding Debezium's engine uses for offsets, so the stored bytes match its lookups
        keyConverter.configure(Map.of("schemas.enable", "false"), true);
        valueConverter.configure(Map.of("schemas.enable", "false"), false);
    }

    /** The stored position in Debezium's encoding (empty before the first batch). */
    Map<ByteBuffer, ByteBuffer> storedOffsets() {
        try (Connection c = target.connect();
                PreparedStatement ps = c.prepareStatement(
                        "SELECT offset_key, offset_value FROM mrm.replication_offset WHERE pipeline = ?")) {
            ps.setString(1, pipeline);
            try (ResultSet rs = ps.executeQuery()) {
                Map<ByteBuffer, ByteBuffer> offsets = new HashMap<>();
                while (rs.next()) {
                    offsets.put(ByteBuffer.wrap(rs.getBytes(1)), ByteBuffer.wrap(rs.getBytes(2)));
                }
                return offsets;
            }
        } catch (SQLException e) {
            throw new IllegalStateException(
                    "cannot read the stored position of " + pipeline + ": " + e.getMessage(), e);
        }
    }

    /** Applies one batch in one transaction with its position; on failure nothing of it stays. */
    void apply(List<ChangeEvent<SourceRecord, SourceRecord>> batch) throws SQLException {
        if (batch.isEmpty()) {
            return;
        }
        Connection c = connection();
        List<Long> commitTimes = new ArrayList<>(batch.size());
        List<TableName> truncating = new ArrayList<>();
        boolean copyDone = false;
        try {
            String holder = ReplicationSchema.lockedOwner(c, pipeline);
            if (!owner.equals(holder)) {
                // another instance took this pipeline over: this one must not write a stale batch after it
                throw new SQLException(
                        "replication " + pipeline + " is applied by another owner now (" + holder
                                + "); this capture stops",
                        OWNERSHIP_LOST);
            }
            SourceRecord last = null;
            long maxLsn = -1;
            for (ChangeEvent<SourceRecord, SourceRecord> event : batch) {
                SourceRecord record = event.value();
                last = record;
                if (!(record.value() instanceof Struct value) || value.schema().field("op") == null) {
                    continue; // heartbeat or tombstone: only its position matters
                }
                Struct source = value.getStruct("source");
                if (copying && !copyRecord(source)) {
                    copyDone = true;
                }
                Long lsn = source.getInt64("lsn");
                if (lsn != null) {
                    maxLsn = Math.max(maxLsn, lsn);
                }
                String op = value.getString("op");
                TableName table = new TableName(source.getString("schema"), source.getString("table"));
                if (recordFor != null && !ReplicationSchema.MARKER.equals(table)) {
                    // the marker is applied even then: it is how the report's drain knows it is over
                    record(c, table, op, record, value, lsn);
                    continue;
                }
                if ("t".equals(op)) {
                    // one TRUNCATE of several tables arrives as one event per table, one after the other:
                    // truncated together, as on the source (tables that reference each other need that)
                    truncating.add(table);
                    continue;
                }
                truncate(c, truncating);
                switch (op) {
                    case "c", "u", "r" -> upsert(c, table, (Struct) record.key(), value.getStruct("after"));
                    case "d" -> delete(c, table, (Struct) record.key());
                    default -> {
                        // logical decoding messages are not replicated
                    }
                }
                Long ts = source.getInt64("ts_ms");
                commitTimes.add(ts == null ? System.currentTimeMillis() : ts);
            }
            truncate(c, truncating);
            storePosition(c, last, maxLsn);
            if (copyDone) {
                // the copy is complete in this very transaction: a restart from here streams, not copies
                ReplicationSchema.initialCopy(c, pipeline, "DONE");
            }
            c.commit();
            if (copyDone) {
                copying = false;
            }
        } catch (SQLException | RuntimeException e) {
            rollbackQuietly();
            throw e;
        }
        long now = System.currentTimeMillis();
        commitTimes.forEach(t -> lag.applied(t, now));
    }

    private void storePosition(Connection c, SourceRecord last, long maxLsn) throws SQLException {
        byte[] key = keyConverter.fromConnectData(engineName, null, Arrays.asList(engineName, last.sourcePartition()));
        byte[] value = valueConverter.fromConnectData(engineName, null, last.sourceOffset());
        PreparedStatement ps = statement(c, "offset", () -> """
                INSERT INTO mrm.replication_offset (pipeline, offset_key, offset_value, applied_lsn, applied_at)
                VALUES (?, ?, ?, ?, now())
                ON CONFLICT (pipeline) DO UPDATE SET offset_key = EXCLUDED.offset_key,
                    offset_value = EXCLUDED.offset_value,
                    applied_lsn = GREATEST(mrm.replication_offset.applied_lsn, EXCLUDED.applied_lsn),
                    applied_at = now()""");
        ps.setString(1, pipeline);
        ps.setBytes(2, key);
        ps.setBytes(3, value);
        ps.setLong(4, maxLsn);
        ps.executeUpdate();
    }

    private void record(Connection c, TableName table, String op, SourceRecord record, Struct value, Long lsn)
            throws SQLException {
        PreparedStatement ps = statement(c, "record", () -> """
                INSERT INTO mrm.unreplicated_change (application_id, source_region, table_name, op, row_key, row_image,
                    source_lsn, committed_at, recorded_at)
                VALUES (?, ?, ?, ?, CAST(? AS jsonb), CAST(? AS jsonb), ?, to_timestamp(? / 1000.0), now())""");
        Struct row = "d".equals(op) ? value.getStruct("before") : value.getStruct("after");
        Struct source = value.getStruct("source");
        Long committed = source.getInt64("ts_ms");
        ps.setString(1, recordFor);
        ps.setString(2, sourceRegion);
        ps.setString(3, table.toString());
        ps.setString(4, op);
        ps.setString(5, json(record.key()));
        ps.setString(6, row == null ? null : json(row));
        ps.setLong(7, lsn == null ? -1 : lsn);
        ps.setLong(8, committed == null ? System.currentTimeMillis() : committed);
        ps.executeUpdate();
    }

    private String json(Object struct) {
        if (struct == null) {
            return "{}";
        }
        Struct s = (Struct) struct;
        return new String(
                rowConverter.fromConnectData(engineName, s.schema(), s), java.nio.charset.StandardCharsets.UTF_8);
    }

    private void upsert(Connection c, TableName table, Struct key, Struct after) throws SQLException {
        if (key == null || after == null) {
            throw new SQLException(
                    "table " + table + " sent a change without key or row image (it needs a primary key)", "42P10");
        }
        List<Field> fields = after.schema().fields();
        List<String> keyNames = key.schema().fields().stream().map(Field::name).toList();
        Map<String, StandbyColumn> types = columns(c, table);
        refuseColumnsDroppedOnThePrimary(table, fields, c);
        refuseColumnsRetypedOnThePrimary(table, after.schema(), c);
        String cacheKey = "u|" + table + "|" + fields.stream().map(Field::name).collect(Collectors.joining(","));
        PreparedStatement ps = statement(c, cacheKey, () -> {
            String columns = fields.stream().map(f -> quote(f.name())).collect(Collectors.joining(", "));
            String values = fields.stream()
                    .map(f -> "CAST(? AS " + type(types, table, f.name()) + ")")
                    .collect(Collectors.joining(", "));
            List<String> nonKey = fields.stream()
                    .map(Field::name)
                    .filter(n -> !keyNames.contains(n))
                    .toList();
            String conflict = keyNames.stream().map(ChangeApplier::quote).collect(Collectors.joining(", "));
            String action = nonKey.isEmpty()
                    ? "DO NOTHING"
                    : "DO UPDATE SET "
                            + nonKey.stream()
                                    .map(n -> quote(n) + " = EXCLUDED." + quote(n))
                                    .collect(Collectors.joining(", "));
            return "INSERT INTO " + table.quoted() + " (" + columns + ") VALUES (" + values + ") ON CONFLICT ("
                    + conflict + ") " + action;
        });
        int i = 1;
        for (Field f : fields) {
            ps.setObject(i++, jdbcValue(f.schema(), after.get(f)));
        }
        ps.executeUpdate();
    }

    /**
     * A record of the copy (Debezium's {@code source.snapshot} is set while snapshotting) rather than a
     * streamed change; the copy's last record ({@code last}) counts as past it.
     */
    private static boolean copyRecord(Struct source) {
        if (source.schema().field("snapshot") == null) {
            return false;
        }
        String snapshot = source.getString("snapshot");
        return snapshot != null && !snapshot.equals("false") && !snapshot.equals("last");
    }

    private static void truncate(Connection c, List<TableName> tables) throws SQLException {
        if (tables.isEmpty()) {
            return;
        }
        try (java.sql.Statement s = c.createStatement()) {
            s.execute("TRUNCATE " + tables.stream().map(TableName::quoted).collect(Collectors.joining(", ")));
        }
        tables.clear();
    }

    private void delete(Connection c, TableName table, Struct key) throws SQLException {
        if (key == null) {
            throw new SQLException("table " + table + " sent a delete without key (it needs a primary key)", "42P10");
        }
        List<Field> fields = key.schema().fields();
        Map<String, StandbyColumn> types = columns(c, table);
        String cacheKey = "d|" + table + "|" + fields.stream().map(Field::name).collect(Collectors.joining(","));
        PreparedStatement ps = statement(
                c,
                cacheKey,
                () -> "DELETE FROM " + table.quoted() + " WHERE "
                        + fields.stream()
                                .map(f -> quote(f.name()) + " = CAST(? AS " + type(types, table, f.name()) + ")")
                                .collect(Collectors.joining(" AND ")));
        int i = 1;
        for (Field f : fields) {
            ps.setObject(i++, jdbcValue(f.schema(), key.get(f)));
        }
        ps.executeUpdate();
    }

    /** Debezium's logical types back to values the JDBC driver binds (the CAST gives the column's type). */
    static Object jdbcValue(Schema schema, Object value) {
        if (value == null) {
            return null;
        }
        String name = schema.name();
        if (name != null) {
            switch (name) {
                case "io.debezium.time.Timestamp":
                    return LocalDateTime.ofEpochSecond(
                            Math.floorDiv((long) value, 1000L),
                            (int) Math.floorMod((long) value, 1000L) * 1_000_000,
                            ZoneOffset.UTC);
                case "io.debezium.time.MicroTimestamp":
                    return LocalDateTime.ofEpochSecond(
                            Math.floorDiv((long) value, 1_000_000L),
                            (int) Math.floorMod((long) value, 1_000_000L) * 1000,
                            ZoneOffset.UTC);
                case "io.debezium.time.Date":
                    return LocalDate.ofEpochDay((int) value);
                case "io.debezium.time.MicroTime":
                    return LocalTime.ofNanoOfDay((long) value * 1000);
                case "io.debezium.time.Time":
                    return LocalTime.ofNanoOfDay((long) (int) value * 1_000_000);
                case "io.debezium.data.VariableScaleDecimal": {
                    Struct s = (Struct) value;
                    return new BigDecimal(new BigInteger(s.getBytes("value")), s.getInt32("scale"));
                }
                default:
                    break;
            }
        }
        if (value instanceof ByteBuffer buffer) {
            byte[] bytes = new byte[buffer.remaining()];
            buffer.duplicate().get(bytes);
            return bytes;
        }
        return value;
    }

    /**
     * A row image from the primary carries every column the primary's table has (pgoutput sends the whole
     * new row; generated columns are left out, and not checked). A column the standby has and the image
     * lacks was dropped on the primary: applying on would leave the standby's column silently out of
     * date, so replication of the table stops naming it, until the standby drops it too.
     */
    private void refuseColumnsDroppedOnThePrimary(TableName table, List<Field> fields, Connection c)
            throws SQLException {
        java.util.Set<String> sent = fields.stream().map(Field::name).collect(Collectors.toSet());
        List<String> missing = columns(c, table).entrySet().stream()
                .filter(e -> !e.getValue().generated() && !sent.contains(e.getKey()))
                .map(Map.Entry::getKey)
                .sorted()
                .toList();
        if (!missing.isEmpty()) {
            catalog.remove(table.toString()); // read the catalog again on the retry
            throw new IllegalStateException("column" + (missing.size() == 1 ? " " : "s ") + String.join(", ", missing)
                    + " of " + table + " exist in the standby but not in the primary's change (dropped there?): "
                    + "replication stops until the standby's table matches the primary's");
        }
    }

    /**
     * A column whose type changed on the primary (Debezium gives each field its source column's type,
     * length and scale): applying on through {@code CAST(? AS <the standby's type>)} would round,
     * truncate (a {@code varchar(n)} cast cuts silently) or overflow, so replication of the table stops
     * naming the column, until the standby's column has the primary's type. Checked once per row schema
     * (Debezium makes a new one when the table changes). Lengths are compared only where the standby's
     * column has one ({@code varchar(n)}, {@code char(n)}, {@code numeric(p,s)}, {@code bit(n)}): a
     * standby wider than the primary loses nothing.
     */
    private void refuseColumnsRetypedOnThePrimary(TableName table, Schema row, Connection c) throws SQLException {
        if (checkedRowSchemas.containsKey(row)) {
            return;
        }
        Map<String, StandbyColumn> standby = columns(c, table);
        List<String> differ = new java.util.ArrayList<>();
        for (Field f : row.fields()) {
            Map<String, String> p = f.schema().parameters();
            String sourceType = p == null ? null : p.get(SOURCE_TYPE);
            StandbyColumn here = standby.get(f.name());
            if (sourceType == null || here == null) {
                continue; // no type from the source (an older capture), or a new column (refused elsewhere)
            }
            String primary = sourceType
                    + (p.get(SOURCE_LENGTH) == null
                            ? ""
                            : "(" + p.get(SOURCE_LENGTH)
                                    + (p.get(SOURCE_SCALE) == null ? "" : "," + p.get(SOURCE_SCALE)) + ")");
            if (!here.sameType(sourceType) || here.narrowerThan(p.get(SOURCE_LENGTH), p.get(SOURCE_SCALE))) {
                differ.add(f.name() + " is " + primary + " on the primary, " + here.formatted() + " here");
            }
        }
        if (!differ.isEmpty()) {
            catalog.remove(table.toString()); // read the catalog again on the retry
            throw new IllegalStateException(
                    "column type changed on the primary for " + table + ": " + String.join("; ", differ)
                            + ": replication stops until the standby's column has the primary's type");
        }
        if (checkedRowSchemas.size() > 10_000) {
            checkedRowSchemas.clear();
        }
        checkedRowSchemas.put(row, Boolean.TRUE);
    }

    static final String SOURCE_TYPE = "__debezium.source.column.type";
    static final String SOURCE_LENGTH = "__debezium.source.column.length";
    static final String SOURCE_SCALE = "__debezium.source.column.scale";
    private final Map<Schema, Boolean> checkedRowSchemas = new java.util.IdentityHashMap<>();

    /**
     * A target column: its type's name, its base type's (for a domain), the typmod that sets its length,
     * the type as SQL writes it (what values are cast to), and whether it is generated (a row image
     * does not carry it).
     */
    record StandbyColumn(String typeName, String baseTypeName, int typmod, String formatted, boolean generated) {

        boolean sameType(String sourceType) {
            String name = sourceType.replace("\"", "");
            name = name.substring(name.lastIndexOf('.') + 1);
            return name.equalsIgnoreCase(typeName) || (baseTypeName != null && name.equalsIgnoreCase(baseTypeName));
        }

        /** Whether values of the primary's length and scale may not fit this column's. */
        boolean narrowerThan(String sourceLength, String sourceScale) {
            if (typmod < 0 || sourceLength == null) {
                return false; // unbounded here, or nothing to compare
            }
            long length;
            long scale;
            try {
                length = Long.parseLong(sourceLength);
                scale = sourceScale == null ? 0 : Long.parseLong(sourceScale);
            } catch (NumberFormatException e) {
                return false;
            }
            String type = baseTypeName != null ? baseTypeName : typeName;
            return switch (type) {
                case "varchar", "bpchar" -> length > typmod - 4L;
                case "bit", "varbit" -> length > typmod;
                case "numeric" -> {
                    long precision = ((typmod - 4L) >> 16) & 0xffff;
                    long digits = (typmod - 4L) & 0xffff;
                    // an unconstrained numeric on the primary has no length (0) to compare: it may hold any value
                    yield length == 0 || length - scale > precision - digits || scale > digits;
                }
                default -> false;
            };
        }
    }

    private Map<String, StandbyColumn> columns(Connection c, TableName table) throws SQLException {
        Map<String, StandbyColumn> columns = catalog.get(table.toString());
        if (columns != null) {
            return columns;
        }
        columns = new HashMap<>();
        try (PreparedStatement ps = c.prepareStatement("""
                SELECT a.attname, t.typname, b.typname, a.atttypmod, format_type(a.atttypid, a.atttypmod),
                       a.attgenerated <> ''
                FROM pg_attribute a JOIN pg_class r ON r.oid = a.attrelid JOIN pg_namespace n ON n.oid = r.relnamespace
                JOIN pg_type t ON t.oid = a.atttypid LEFT JOIN pg_type b ON b.oid = t.typbasetype AND t.typtype = 'd'
                WHERE n.nspname = ? AND r.relname = ? AND a.attnum > 0 AND NOT a.attisdropped""")) {
            ps.setString(1, table.schema());
            ps.setString(2, table.name());
            try (ResultSet rs = ps.executeQuery()) {
                while (rs.next()) {
                    // a domain's typmod is on the domain (pg_type.typtypmod), not on the column: no length compared
                    columns.put(
                            rs.getString(1),
                            new StandbyColumn(
                                    rs.getString(2), rs.getString(3), rs.getInt(4), rs.getString(5), rs.getBoolean(6)));
                }
            }
        }
        if (columns.isEmpty()) {
            throw new SQLException("table " + table + " does not exist in the target database", "42P01");
        }
        catalog.put(table.toString(), columns);
        return columns;
    }

    private static String type(Map<String, StandbyColumn> columns, TableName table, String column) {
        StandbyColumn type = columns.get(column);
        if (type == null) {
            throw new IllegalStateException("column " + column + " of " + table + " does not exist in the target");
        }
        return type.formatted(); // from the target's own catalog, not from the change event
    }

    private static String quote(String identifier) {
        return '"' + identifier.replace("\"", "\"\"") + '"';
    }

    private interface SqlText {
        String get();
    }

    private PreparedStatement statement(Connection c, String cacheKey, SqlText sql) throws SQLException {
        PreparedStatement ps = statements.get(cacheKey);
        if (ps == null) {
            ps = c.prepareStatement(sql.get());
            statements.put(cacheKey, ps);
        }
        return ps;
    }

    private Connection connection() throws SQLException {
        if (connection == null || connection.isClosed()) {
            statements.clear();
            catalog.clear();
            checkedRowSchemas.clear();
            connection = target.connect();
            try (java.sql.Statement s = connection.createStatement()) {
                // an applied batch is durable on the target before its position counts as applied,
                // whatever the server's default (a crash must not take back what a drain saw)
                s.execute("SET synchronous_commit = on");
            }
            connection.setAutoCommit(false);
        }
        return connection;
    }

    private void rollbackQuietly() {
        try {
            if (connection != null) {
                connection.rollback();
            }
        } catch (SQLException ignored) {
            // the connection is broken; it is replaced below
        }
        close();
    }

    /** From another thread: ends a batch blocked in the database (its transaction rolls back). */
    void abort() {
        Connection c = connection;
        try {
            if (c != null) {
                c.close();
            }
        } catch (SQLException ignored) {
            // already broken
        }
    }

    @Override
    public void close() {
        statements.clear();
        try {
            if (connection != null) {
                connection.close();
            }
        } catch (SQLException ignored) {
            // closing a broken connection
        }
        connection = null;
    }
}
