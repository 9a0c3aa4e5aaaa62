package io.mrm.hana.adapter.hana;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC fake of SAP HANA Cloud databases with smart data integration (SDI) remote subscriptions: a
 * <em>model</em> (schemas, column tables with rows and partitions, remote sources, virtual tables, remote
 * subscriptions with their lifecycle, privileges) that the SQL reads and changes. Any statement it does not
 * understand fails with HANA's syntax error code 257, so a new statement must be modelled here first.
 *
 * <p>What it follows, from SAP's published references (SAP Help Portal):
 * <ul>
 * <li><b>SAP HANA SQL Reference Guide, "ALTER REMOTE SUBSCRIPTION Statement (Data Definition)"</b>:
 *   {@code QUEUE} starts capturing and queuing changes (it sends a begin marker through the capture, so it
 *   completes asynchronously), {@code DISTRIBUTE} applies the queue once the initial load is done (end
 *   marker, then the queued changes, asynchronously), {@code RESET} takes the subscription back to its
 *   initial state and discards what was queued.</li>
 * <li><b>"M_REMOTE_SUBSCRIPTIONS System View"</b> (SAP HANA SQL Reference Guide, System Views): column
 *   {@code STATE}, one of {@code CREATED}, {@code MAT_START_BEG_MARKER} (waiting for the begin marker: changes
 *   before it are not captured), {@code MAT_START_END_MARKER} (queuing, waiting for the end marker of the
 *   initial load), {@code MAT_COMP_BEG_MARKER}, {@code MAT_COMP_END_MARKER} (distributing: the markers
 *   travel), {@code AUTO_CORRECT_CHANGE_DATA} (the queued changes are applied with upsert semantics, which
 *   can take long) and {@code APPLY_CHANGE_DATA} (every queued change applied; changes are applied as they
 *   arrive). The same names are used by public SDI monitoring queries.</li>
 * <li><b>"M_REMOTE_SUBSCRIPTION_STATISTICS System View"</b>: {@code RECEIVED_MESSAGE_COUNT},
 *   {@code APPLIED_MESSAGE_COUNT} per subscription.</li>
 * <li><b>"REMOTE_SUBSCRIPTION_EXCEPTIONS System View"</b>: one row per failure a subscription hit
 *   ({@code EXCEPTION_OID}, {@code OBJECT_TYPE} = {@code 'REMOTE SUBSCRIPTION'}, {@code OBJECT_NAME},
 *   {@code ERROR_NUMBER}, {@code ERROR_MESSAGE}); the subscription does not progress until someone
 *   processes it ({@code PROCESS REMOTE SUBSCRIPTION EXCEPTION ... RETRY | IGNORE}).</li>
 * <li><b>"EFFECTIVE_PRIVILEGES System View"</b> (SAP HANA SQL Reference Guide, System Views): the privileges
 *   a user holds, directly or through roles; a query must name the user ({@code WHERE USER_NAME = ...}).
 *   Modelled: {@code OBJECT_TYPE} ({@code TABLE}, {@code SCHEMA}, {@code REMOTE SOURCE}), {@code SCHEMA_NAME},
 *   {@code OBJECT_NAME}, {@code PRIVILEGE}, {@code IS_GRANTABLE} ({@code 'TRUE'} / {@code 'FALSE'}), for the
 *   one user this fake has ({@code CURRENT_USER}). A schema privilege's row carries the schema's name in
 *   {@code SCHEMA_NAME} (and here in {@code OBJECT_NAME} too: the client accepts the object name empty or equal
 *   to the schema, as the reference does not say which HANA returns).</li>
 * <li><b>"M_CS_TABLES System View"</b>: one row per column table <em>partition</em> ({@code PART_ID} 0 for a
 *   table that is not partitioned, 1..n otherwise), each with its own {@code RECORD_COUNT}.</li>
 * <li><b>SAP HANA Smart Data Integration, "ALTER REMOTE SOURCE Statement"</b>: {@code SUSPEND CAPTURE} holds
 *   the captured changes at the source, {@code RESUME CAPTURE} sends them on.</li>
 * </ul>
 *
 * <p>Where this was checked: the stored documentation corpus used when this fake was written held none of
 * these SAP Help pages, so the page titles above are cited from the SAP HANA reference as known, not quoted.
 * The state names and the statistics columns were confirmed against public SDI monitoring SQL (which joins
 * {@code M_REMOTE_SUBSCRIPTIONS.STATE} with {@code M_REMOTE_SUBSCRIPTION_STATISTICS.RECEIVED_MESSAGE_COUNT /
 * APPLIED_MESSAGE_COUNT}) and the {@code QUEUE}/{@code DISTRIBUTE} marker flow against SAP's SDI blog
 * "Hana Smart Data Integration – Inside Realtime streams". The exact column list of
 * {@code REMOTE_SUBSCRIPTION_EXCEPTIONS} is the part least confirmed; {@code HanaReplicationLiveIT} is where a
 * real system settles it.
 *
 * <p>Not documented, chosen here: the SQL reference names no error for a {@code QUEUE} issued to a
 * subscription that is not {@code CREATED}, or a {@code DISTRIBUTE} to one that is not queuing
 * ({@code MAT_START_END_MARKER}). This fake refuses both with error 256 ("sql processing error", the code
 * HANA reports SDI failures with), so a client that issues either inside the asynchronous window fails
 * fatally here; a client must read {@code STATE} and never depend on that error's code or text.
 *
 * <p>The lifecycle runs on a step clock: by default every statement first advances each subscription by
 * one step (an asynchronous server that makes progress while the client works), {@link #manualSteps()}
 * stops that ({@link #step()} then advances), and {@link #pauseIn} keeps subscriptions in one state until
 * {@link #resume()}, so a test can hold the window open. Changes written at a source are captured by every
 * subscription whose virtual table reads that table, according to the subscription's state.
 */
final class FakeHanaCloudJdbc {

    enum State {
        CREATED,
        MAT_START_BEG_MARKER,
        MAT_START_END_MARKER,
        MAT_COMP_BEG_MARKER,
        MAT_COMP_END_MARKER,
        AUTO_CORRECT_CHANGE_DATA,
        APPLY_CHANGE_DATA
    }

    /** A column table: rows by primary key, spread over its partitions by the key's hash. */
    static final class Table {
        final int partitions;
        final Map<Object, Object> rows = new LinkedHashMap<>();

        Table(int partitions) {
            this.partitions = partitions;
        }

        /** M_CS_TABLES' PART_ID of a row: 0 when the table is not partitioned. */
        int partOf(Object key) {
            return partitions == 0 ? 0 : Math.floorMod(key.hashCode(), partitions) + 1;
        }

        long recordCount(int part) {
            return rows.keySet().stream().filter(k -> partOf(k) == part).count();
        }
    }

    record VirtualTable(String remoteSource, String remoteSchema, String remoteTable) {}

    /** One change: the row's new value, or null for a delete. */
    record Change(Object key, Object value) {}

    static final class Subscription {
        final String virtualTable;
        final String targetTable;
        State state = State.CREATED;
        final List<Change> queued = new ArrayList<>();
        final List<Change> toApply = new ArrayList<>();
        long received;
        long applied;
        /** The applier is stuck (e.g. a slow target): received changes are not applied. */
        boolean stalled;

        Subscription(String virtualTable, String targetTable) {
            this.virtualTable = virtualTable;
            this.targetTable = targetTable;
        }
    }

    static final class Db {
        final String region;
        final Set<String> schemas = new HashSet<>(Set.of("SYS"));
        /** "SCHEMA.TABLE" → column table. */
        final Map<String, Table> tables = new TreeMap<>();

        final Map<String, VirtualTable> virtualTables = new TreeMap<>();
        /** Remote source name → the region whose database it reads. */
        final Map<String, String> remoteSources = new TreeMap<>();
        /** "SCHEMA.SUBSCRIPTION" → subscription. */
        final Map<String, Subscription> subscriptions = new TreeMap<>();
        /** "ROLE:SCHEMA.TABLE": INSERT, UPDATE, DELETE granted. */
        final Set<String> grants = new HashSet<>();
        /** EFFECTIVE_PRIVILEGES of the technical user: {OBJECT_TYPE, SCHEMA_NAME, OBJECT_NAME, PRIVILEGE, IS_GRANTABLE}. */
        final List<Object[]> effectivePrivileges = new ArrayList<>();
        /** REMOTE_SUBSCRIPTION_EXCEPTIONS: subscription name → {error number, message}. */
        final Map<String, Object[]> exceptions = new TreeMap<>();

        final List<Object[]> heldAtSource = new ArrayList<>();
        boolean captureSuspended;
        boolean down;

        Db(String region) {
            this.region = region;
        }

        void createTable(String qualified, int partitions) {
            schemas.add(qualified.substring(0, qualified.indexOf('.')));
            tables.put(qualified, new Table(partitions));
        }

        Map<Object, Object> rows(String qualified) {
            return tables.get(qualified).rows;
        }

        Subscription subscription(String qualified) {
            return subscriptions.get(qualified);
        }

        String role(String applicationId) {
            Object row = fencingRow(applicationId);
            return row == null ? null : (String) ((List<?>) row).get(1);
        }

        long epoch(String applicationId) {
            Object row = fencingRow(applicationId);
            return row == null ? -1 : ((Number) ((List<?>) row).get(0)).longValue();
        }

        void setFencing(String applicationId, long epoch, String role) {
            tables.get("MRM.FENCING").rows.put(applicationId, List.of(epoch, role));
        }

        private Object fencingRow(String applicationId) {
            Table t = tables.get("MRM.FENCING");
            return t == null ? null : t.rows.get(applicationId);
        }
    }

    final Map<String, Db> dbs = new TreeMap<>();
    final List<String> executed = new CopyOnWriteArrayList<>();
    /** The next statement starting with this fails as a lost connection would (then it is cleared). */
    volatile String failOnce;

    private boolean autoStep = true;
    private final Set<State> pausedIn = EnumSet.noneOf(State.class);

    FakeHanaCloudJdbc(String... regions) {
        for (String r : regions) {
            dbs.put(r, new Db(r));
        }
    }

    Db db(String region) {
        return dbs.get(region);
    }

    HanaRemoteSubscriptionReplication.ConnectionSource source() {
        return (applicationId, region) -> {
            Db db = dbs.get(region);
            if (db.down) {
                throw new SQLException("FakeHanaCloudJdbc: cannot connect to " + region, "08001", -10709);
            }
            return connection(db);
        };
    }

    /** The statements sent to {@code region}, without the reads. */
    List<String> changes(String region) {
        return executed.stream()
                .filter(s -> s.startsWith(region + ": "))
                .map(s -> s.substring(region.length() + 2))
                .filter(s -> !s.startsWith("SELECT"))
                .toList();
    }

    synchronized void manualSteps() {
        autoStep = false;
    }

    /** Subscriptions in {@code state} stay there until {@link #resume()}. */
    synchronized void pauseIn(State state) {
        pausedIn.add(state);
    }

    synchronized void resume() {
        pausedIn.clear();
    }

    /** What an application writes at {@code region}: the row changes, and subscriptions reading it capture it. */
    synchronized void write(String region, String table, Object key, Object value) {
        Db db = dbs.get(region);
        Table t = db.tables.get(table);
        if (t == null) {
            throw new IllegalArgumentException("no table " + table + " in " + region);
        }
        change(db, table, t, new Change(key, value));
    }

    /** One step of every subscription's asynchronous lifecycle, and of its applier. */
    synchronized void step() {
        for (Db db : dbs.values()) {
            for (Subscription s : db.subscriptions.values()) {
                if (pausedIn.contains(s.state) || db.exceptions.containsKey(nameOf(db, s))) {
                    continue;
                }
                switch (s.state) {
                    case MAT_START_BEG_MARKER -> s.state = State.MAT_START_END_MARKER;
                    case MAT_COMP_BEG_MARKER -> s.state = State.MAT_COMP_END_MARKER;
                    case MAT_COMP_END_MARKER -> s.state = State.AUTO_CORRECT_CHANGE_DATA;
                    case AUTO_CORRECT_CHANGE_DATA -> {
                        if (!s.stalled) {
                            apply(db, s, s.queued);
                            apply(db, s, s.toApply);
                            s.state = State.APPLY_CHANGE_DATA;
                        }
                    }
                    case APPLY_CHANGE_DATA -> {
                        if (!s.stalled) {
                            apply(db, s, s.toApply);
                        }
                    }
                    default -> {}
                }
            }
        }
    }

    private static String nameOf(Db db, Subscription s) {
        return db.subscriptions.entrySet().stream()
                .filter(e -> e.getValue() == s)
                .map(Map.Entry::getKey)
                .map(k -> k.substring(k.indexOf('.') + 1))
                .findFirst()
                .orElseThrow();
    }

    private static void apply(Db db, Subscription s, List<Change> changes) {
        Table target = db.tables.get(s.targetTable);
        for (Change c : changes) {
            if (c.value() == null) {
                target.rows.remove(c.key());
            } else {
                target.rows.put(c.key(), c.value());
            }
            s.applied++;
        }
        changes.clear();
    }

    private void change(Db db, String table, Table t, Change c) {
        if (c.value() == null) {
            t.rows.remove(c.key());
        } else {
            t.rows.put(c.key(), c.value());
        }
        for (Db other : dbs.values()) {
            for (Subscription s : other.subscriptions.values()) {
                VirtualTable vt = other.virtualTables.get(s.virtualTable);
                if (other == db
                        || vt == null
                        || !db.region.equals(other.remoteSources.get(vt.remoteSource()))
                        || !table.equals(vt.remoteSchema() + "." + vt.remoteTable())) {
                    continue;
                }
                if (other.captureSuspended) {
                    other.heldAtSource.add(new Object[] {s, c});
                } else {
                    deliver(s, c);
                }
            }
        }
    }

    private static void deliver(Subscription s, Change c) {
        switch (s.state) {
            case CREATED, MAT_START_BEG_MARKER -> {
                // before the begin marker: not this subscription's to capture
            }
            case MAT_START_END_MARKER, MAT_COMP_BEG_MARKER, MAT_COMP_END_MARKER -> {
                s.queued.add(c);
                s.received++;
            }
            case AUTO_CORRECT_CHANGE_DATA, APPLY_CHANGE_DATA -> {
                s.toApply.add(c);
                s.received++;
            }
        }
    }

    private Connection connection(Db db) {
        return proxy(Connection.class, (self, m, args) -> switch (m.getName()) {
            case "prepareStatement" -> prepared(db, (String) args[0]);
            case "createStatement" ->
                proxy(Statement.class, (s, sm, sargs) -> switch (sm.getName()) {
                    case "execute" -> {
                        run(db, (String) sargs[0], List.of());
                        yield false;
                    }
                    case "close" -> null;
                    default -> throw new UnsupportedOperationException("FakeHanaCloudJdbc: Statement." + sm.getName());
                });
            case "close" -> null;
            case "isClosed" -> false;
            default -> throw new UnsupportedOperationException("FakeHanaCloudJdbc: Connection." + m.getName());
        });
    }

    private PreparedStatement prepared(Db db, String sql) {
        Map<Integer, Object> params = new TreeMap<>();
        return proxy(PreparedStatement.class, (self, m, args) -> switch (m.getName()) {
            case "setObject", "setString", "setInt", "setLong" -> {
                params.put((Integer) args[0], args[1]);
                yield null;
            }
            case "executeQuery" -> result(run(db, sql, new ArrayList<>(params.values())));
            case "executeUpdate" ->
                ((Number) run(db, sql, new ArrayList<>(params.values())).get(0)[0]).intValue();
            case "close" -> null;
            default -> throw new UnsupportedOperationException("FakeHanaCloudJdbc: PreparedStatement." + m.getName());
        });
    }

    private static final String Q = "\"([A-Za-z0-9_<>]+)\"";
    private static final String QT = Q + "\\." + Q;
    private static final Pattern CREATE_SCHEMA = Pattern.compile("CREATE SCHEMA " + Q);
    private static final Pattern CREATE_TABLE = Pattern.compile("CREATE COLUMN TABLE " + QT + " \\((.+)\\)");
    private static final Pattern CREATE_VT =
            Pattern.compile("CREATE VIRTUAL TABLE " + QT + " AT " + Q + "\\.\"<NULL>\"\\." + QT);
    private static final Pattern CREATE_LIKE = Pattern.compile("CREATE COLUMN TABLE " + QT + " LIKE " + QT);
    private static final Pattern CREATE_SUB =
            Pattern.compile("CREATE REMOTE SUBSCRIPTION " + QT + " ON " + QT + " TARGET TABLE " + QT);
    private static final Pattern ALTER_SUB =
            Pattern.compile("ALTER REMOTE SUBSCRIPTION " + QT + " (QUEUE|DISTRIBUTE|RESET)");
    private static final Pattern DROP_SUB = Pattern.compile("DROP REMOTE SUBSCRIPTION " + QT);
    private static final Pattern CAPTURE = Pattern.compile("ALTER REMOTE SOURCE " + Q + " (SUSPEND|RESUME) CAPTURE");
    private static final Pattern PRIVILEGE =
            Pattern.compile("(GRANT|REVOKE) INSERT, UPDATE, DELETE ON " + QT + " (TO|FROM) " + Q);
    private static final Pattern CREATE_AS_EXCEPT = Pattern.compile(
            "CREATE COLUMN TABLE " + QT + " AS \\(SELECT \\* FROM " + QT + " EXCEPT SELECT \\* FROM " + QT + "\\)");
    private static final Pattern COUNT_EXCEPT = Pattern.compile(
            "SELECT COUNT\\(\\*\\) FROM \\(SELECT \\* FROM " + QT + " EXCEPT SELECT \\* FROM " + QT + "\\)");
    private static final Pattern COUNT = Pattern.compile("SELECT COUNT\\(\\*\\) FROM " + QT);
    private static final Pattern DELETE_ALL = Pattern.compile("DELETE FROM " + QT);
    private static final Pattern INSERT_SELECT = Pattern.compile("INSERT INTO " + QT + " SELECT \\* FROM " + QT);
    private static final Pattern UPSERT_KEYED =
            Pattern.compile("UPSERT " + QT + " \\(APPLICATION_ID, SEQ\\) VALUES \\(\\?, \\?\\) WITH PRIMARY KEY");
    private static final Pattern SELECT_SEQ = Pattern.compile("SELECT SEQ FROM " + QT + " WHERE APPLICATION_ID = \\?");
    /** M_CS_TABLES: the columns modelled, optionally DISTINCT, by schema (and table), ordered, paged. */
    private static final Pattern CS_TABLES = Pattern.compile(
            "SELECT (DISTINCT )?((?:SCHEMA_NAME|TABLE_NAME|PART_ID|RECORD_COUNT)"
                    + "(?:, (?:SCHEMA_NAME|TABLE_NAME|PART_ID|RECORD_COUNT))*|COALESCE\\(SUM\\(RECORD_COUNT\\), 0\\)) FROM SYS.M_CS_TABLES"
                    + " WHERE SCHEMA_NAME = \\?( AND TABLE_NAME = \\?)?( ORDER BY TABLE_NAME(?:, PART_ID)?)?( LIMIT \\? OFFSET \\?)?");

    private synchronized List<Object[]> run(Db db, String sql, List<Object> p) throws SQLException {
        if (failOnce != null && sql.startsWith(failOnce)) {
            failOnce = null;
            // HANA's "connection lost" (-10807), as the client reports it
            throw new SQLException("FakeHanaCloudJdbc: connection lost during " + sql, "08S01", -10807);
        }
        if (autoStep) {
            step();
        }
        executed.add(db.region + ": " + sql);
        List<Object[]> rows = catalog(db, sql, p);
        if (rows != null) {
            return rows;
        }
        rows = data(db, sql, p);
        if (rows != null) {
            return rows;
        }
        rows = ddl(db, sql);
        if (rows != null) {
            return rows;
        }
        throw new SQLException("FakeHanaCloudJdbc: sql syntax error: not modelled: " + sql, "42000", 257);
    }

    /** The system views. */
    private List<Object[]> catalog(Db db, String sql, List<Object> p) {
        switch (sql) {
            case "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?":
                return one(db.tables.containsKey(p.get(0) + "." + p.get(1)) ? 1L : 0L);
            case "SELECT COUNT(*) FROM SYS.VIRTUAL_TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?":
                return one(db.virtualTables.containsKey(p.get(0) + "." + p.get(1)) ? 1L : 0L);
            case "SELECT COUNT(*) FROM SYS.SCHEMAS WHERE SCHEMA_NAME = ?":
                return one(db.schemas.contains(p.get(0)) ? 1L : 0L);
            case "SELECT SUBSCRIPTION_NAME FROM SYS.REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?":
                return inSchema(db.subscriptions, p.get(0)).keySet().stream()
                        .map(n -> new Object[] {n})
                        .toList();
            case "SELECT SUBSCRIPTION_NAME, STATE FROM SYS.M_REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?":
                return inSchema(db.subscriptions, p.get(0)).entrySet().stream()
                        .map(e -> new Object[] {e.getKey(), e.getValue().state.name()})
                        .toList();
            case "SELECT COALESCE(SUM(RECEIVED_MESSAGE_COUNT - APPLIED_MESSAGE_COUNT), 0)"
                    + " FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS WHERE SCHEMA_NAME = ?":
                return one(inSchema(db.subscriptions, p.get(0)).values().stream()
                        .mapToLong(s -> s.received - s.applied)
                        .sum());
            case "SELECT OBJECT_NAME, ERROR_NUMBER, ERROR_MESSAGE FROM SYS.REMOTE_SUBSCRIPTION_EXCEPTIONS"
                    + " WHERE OBJECT_TYPE = 'REMOTE SUBSCRIPTION'":
                return db.exceptions.entrySet().stream()
                        .map(e -> new Object[] {e.getKey(), e.getValue()[0], e.getValue()[1]})
                        .toList();
            case "SELECT OBJECT_TYPE, SCHEMA_NAME, OBJECT_NAME, PRIVILEGE, IS_GRANTABLE FROM SYS.EFFECTIVE_PRIVILEGES"
                    + " WHERE USER_NAME = CURRENT_USER":
                return List.copyOf(db.effectivePrivileges);
            case "SELECT COUNT(*) FROM SYS.GRANTED_PRIVILEGES WHERE GRANTEE = ? AND SCHEMA_NAME = ?"
                    + " AND OBJECT_NAME = ? AND PRIVILEGE = 'INSERT'":
                return one(db.grants.contains(p.get(0) + ":" + p.get(1) + "." + p.get(2)) ? 1L : 0L);
            default:
                break;
        }
        Matcher m = CS_TABLES.matcher(sql);
        if (!m.matches()) {
            return null;
        }
        // one row per partition, as M_CS_TABLES has
        List<Object[]> partitions = new ArrayList<>();
        db.tables.forEach((qualified, t) -> {
            String schema = qualified.substring(0, qualified.indexOf('.'));
            String name = qualified.substring(qualified.indexOf('.') + 1);
            if (!schema.equals(p.get(0)) || (m.group(3) != null && !name.equals(p.get(1)))) {
                return;
            }
            if (t.partitions == 0) {
                partitions.add(new Object[] {schema, name, 0, t.recordCount(0)});
            }
            for (int part = 1; part <= t.partitions; part++) {
                partitions.add(new Object[] {schema, name, part, t.recordCount(part)});
            }
        });
        if (m.group(2).startsWith("COALESCE")) {
            return one(partitions.stream().mapToLong(r -> (Long) r[3]).sum());
        }
        List<String> columns = List.of("SCHEMA_NAME", "TABLE_NAME", "PART_ID", "RECORD_COUNT");
        List<Object[]> rows = new ArrayList<>();
        Set<List<Object>> seen = new HashSet<>();
        for (Object[] partition : partitions) {
            Object[] row = java.util.Arrays.stream(m.group(2).split(", "))
                    .map(c -> partition[columns.indexOf(c)])
                    .toArray();
            if (m.group(1) == null || seen.add(List.of(row))) {
                rows.add(row);
            }
        }
        if (m.group(5) != null) {
            int at = m.group(3) == null ? 1 : 2;
            int limit = (Integer) p.get(at);
            int offset = (Integer) p.get(at + 1);
            return rows.subList(Math.min(offset, rows.size()), Math.min(offset + limit, rows.size()));
        }
        return rows;
    }

    /** Reads and writes of table data, the fencing and marker tables included. */
    private List<Object[]> data(Db db, String sql, List<Object> p) throws SQLException {
        switch (sql) {
            case "SELECT EPOCH, ROLE FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = ?": {
                List<?> row = (List<?>) table(db, "MRM.FENCING").rows.get(p.get(0));
                return row == null ? List.of() : List.<Object[]>of(row.toArray());
            }
            case "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?": {
                Table t = table(db, "MRM.FENCING");
                List<?> row = (List<?>) t.rows.get(p.get(2));
                if (row == null || ((Number) row.get(0)).longValue() > ((Number) p.get(3)).longValue()) {
                    return one(0L);
                }
                change(db, "MRM.FENCING", t, new Change(p.get(2), List.of(((Number) p.get(0)).longValue(), p.get(1))));
                return one(1L);
            }
            case "INSERT INTO \"MRM\".\"FENCING\" (APPLICATION_ID, EPOCH, ROLE) SELECT ?, ?, ? FROM DUMMY WHERE NOT EXISTS"
                    + " (SELECT 1 FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = ?)": {
                Table t = table(db, "MRM.FENCING");
                if (t.rows.containsKey(p.get(0))) {
                    return one(0L);
                }
                change(db, "MRM.FENCING", t, new Change(p.get(0), List.of(((Number) p.get(1)).longValue(), p.get(2))));
                return one(1L);
            }
            default:
                break;
        }
        Matcher m;
        if ((m = COUNT_EXCEPT.matcher(sql)).matches()) {
            return one((long) except(db, m.group(1) + "." + m.group(2), m.group(3) + "." + m.group(4))
                    .size());
        }
        if ((m = COUNT.matcher(sql)).matches()) {
            return one((long) read(db, m.group(1) + "." + m.group(2)).size());
        }
        if ((m = DELETE_ALL.matcher(sql)).matches()) {
            Table t = table(db, m.group(1) + "." + m.group(2));
            for (Object key : List.copyOf(t.rows.keySet())) {
                change(db, m.group(1) + "." + m.group(2), t, new Change(key, null));
            }
            return one(0L);
        }
        if ((m = INSERT_SELECT.matcher(sql)).matches()) {
            Table t = table(db, m.group(1) + "." + m.group(2));
            for (Map.Entry<Object, Object> row :
                    read(db, m.group(3) + "." + m.group(4)).entrySet()) {
                if (t.rows.containsKey(row.getKey())) {
                    throw new SQLException("unique constraint violated: " + sql, "23000", 301);
                }
                change(db, m.group(1) + "." + m.group(2), t, new Change(row.getKey(), row.getValue()));
            }
            return one(0L);
        }
        if ((m = UPSERT_KEYED.matcher(sql)).matches()) {
            Table t = table(db, m.group(1) + "." + m.group(2));
            change(db, m.group(1) + "." + m.group(2), t, new Change(p.get(0), ((Number) p.get(1)).longValue()));
            return one(1L);
        }
        if ((m = SELECT_SEQ.matcher(sql)).matches()) {
            Object seq = table(db, m.group(1) + "." + m.group(2)).rows.get(p.get(0));
            return seq == null ? List.of() : one(seq);
        }
        return null;
    }

    private List<Object[]> ddl(Db db, String sql) throws SQLException {
        Matcher m;
        if ((m = CREATE_SCHEMA.matcher(sql)).matches()) {
            require(db.schemas.add(m.group(1)), 386, "cannot use duplicate schema name: " + m.group(1));
        } else if ((m = CREATE_LIKE.matcher(sql)).matches()) {
            String name = m.group(1) + "." + m.group(2);
            require(!db.tables.containsKey(name), 288, "cannot use duplicate table name: " + name);
            VirtualTable vt = db.virtualTables.get(m.group(3) + "." + m.group(4));
            require(vt != null, 259, "invalid table name: " + m.group(3) + "." + m.group(4));
            db.tables.put(name, new Table(remote(db, vt).partitions));
        } else if ((m = CREATE_AS_EXCEPT.matcher(sql)).matches()) {
            String name = m.group(1) + "." + m.group(2);
            require(!db.tables.containsKey(name), 288, "cannot use duplicate table name: " + name);
            Map<Object, Object> rows = except(db, m.group(3) + "." + m.group(4), m.group(5) + "." + m.group(6));
            Table t = new Table(0);
            t.rows.putAll(rows);
            db.tables.put(name, t);
        } else if ((m = CREATE_TABLE.matcher(sql)).matches()) {
            String name = m.group(1) + "." + m.group(2);
            require(db.schemas.contains(m.group(1)), 362, "invalid schema name: " + m.group(1));
            require(!db.tables.containsKey(name), 288, "cannot use duplicate table name: " + name);
            db.tables.put(name, new Table(0));
        } else if ((m = CREATE_VT.matcher(sql)).matches()) {
            String name = m.group(1) + "." + m.group(2);
            require(
                    !db.virtualTables.containsKey(name) && !db.tables.containsKey(name),
                    288,
                    "cannot use duplicate table name: " + name);
            VirtualTable vt = new VirtualTable(m.group(3), m.group(4), m.group(5));
            remote(db, vt); // HANA reads the remote table's metadata at creation
            db.virtualTables.put(name, vt);
        } else if ((m = CREATE_SUB.matcher(sql)).matches()) {
            String name = m.group(1) + "." + m.group(2);
            require(!db.subscriptions.containsKey(name), 386, "cannot use duplicate name: remote subscription " + name);
            require(
                    db.virtualTables.containsKey(m.group(3) + "." + m.group(4)),
                    259,
                    "invalid table name: " + m.group(4));
            require(db.tables.containsKey(m.group(5) + "." + m.group(6)), 259, "invalid table name: " + m.group(6));
            db.subscriptions.put(name, new Subscription(m.group(3) + "." + m.group(4), m.group(5) + "." + m.group(6)));
        } else if ((m = ALTER_SUB.matcher(sql)).matches()) {
            alter(db, m.group(1) + "." + m.group(2), m.group(3));
        } else if ((m = DROP_SUB.matcher(sql)).matches()) {
            require(
                    db.subscriptions.remove(m.group(1) + "." + m.group(2)) != null,
                    474,
                    "invalid remote subscription name: " + m.group(2));
            db.exceptions.remove(m.group(2));
        } else if ((m = CAPTURE.matcher(sql)).matches()) {
            require(db.remoteSources.containsKey(m.group(1)), 471, "invalid data source name: " + m.group(1));
            db.captureSuspended = m.group(2).equals("SUSPEND");
            if (!db.captureSuspended) {
                for (Object[] held : db.heldAtSource) {
                    if (db.subscriptions.containsValue((Subscription) held[0])) {
                        deliver((Subscription) held[0], (Change) held[1]);
                    }
                }
                db.heldAtSource.clear();
            }
        } else if ((m = PRIVILEGE.matcher(sql)).matches()) {
            String grant = m.group(5) + ":" + m.group(2) + "." + m.group(3);
            require(db.tables.containsKey(m.group(2) + "." + m.group(3)), 259, "invalid table name: " + m.group(3));
            if (m.group(1).equals("GRANT")) {
                db.grants.add(grant);
            } else {
                require(db.grants.remove(grant), 258, "insufficient privilege: not granted: " + grant);
            }
        } else {
            return null;
        }
        return one(0L);
    }

    private void alter(Db db, String name, String action) throws SQLException {
        Subscription s = db.subscriptions.get(name);
        require(s != null, 474, "invalid remote subscription name: " + name);
        switch (action) {
            case "QUEUE" -> {
                require(
                        s.state == State.CREATED,
                        256,
                        "sql processing error: QUEUE: remote subscription " + name + " is in state " + s.state);
                s.state = State.MAT_START_BEG_MARKER;
            }
            case "DISTRIBUTE" -> {
                require(
                        s.state == State.MAT_START_END_MARKER,
                        256,
                        "sql processing error: DISTRIBUTE: remote " + "subscription " + name + " is in state "
                                + s.state);
                s.state = State.MAT_COMP_BEG_MARKER;
            }
            default -> {
                s.state = State.CREATED;
                s.queued.clear();
                s.toApply.clear();
                s.received = 0;
                s.applied = 0;
            }
        }
    }

    private Table table(Db db, String name) throws SQLException {
        Table t = db.tables.get(name);
        require(t != null, 259, "invalid table name: " + name);
        return t;
    }

    /** A column table's rows, or through a virtual table the remote table's. */
    private Map<Object, Object> read(Db db, String name) throws SQLException {
        VirtualTable vt = db.virtualTables.get(name);
        return vt != null ? remote(db, vt).rows : table(db, name).rows;
    }

    private Table remote(Db db, VirtualTable vt) throws SQLException {
        String region = db.remoteSources.get(vt.remoteSource());
        require(region != null, 471, "invalid data source name: " + vt.remoteSource());
        Db remote = dbs.get(region);
        require(!remote.down, 403, "internal error: cannot connect to remote source " + vt.remoteSource());
        Table t = remote.tables.get(vt.remoteSchema() + "." + vt.remoteTable());
        require(t != null, 259, "invalid table name: remote " + vt.remoteSchema() + "." + vt.remoteTable());
        return t;
    }

    private Map<Object, Object> except(Db db, String left, String right) throws SQLException {
        Map<Object, Object> rows = new LinkedHashMap<>(read(db, left));
        read(db, right).forEach(rows::remove);
        return rows;
    }

    private static Map<String, Subscription> inSchema(Map<String, Subscription> subscriptions, Object schema) {
        Map<String, Subscription> in = new TreeMap<>();
        subscriptions.forEach((k, v) -> {
            if (k.startsWith(schema + ".")) {
                in.put(k.substring(k.indexOf('.') + 1), v);
            }
        });
        return in;
    }

    private static void require(boolean condition, int code, String message) throws SQLException {
        if (!condition) {
            throw new SQLException("FakeHanaCloudJdbc: [" + code + "] " + message, "HY000", code);
        }
    }

    private static List<Object[]> one(Object value) {
        return List.<Object[]>of(new Object[] {value});
    }

    private static ResultSet result(List<Object[]> rows) {
        int[] cursor = {-1};
        return proxy(ResultSet.class, (self, m, args) -> switch (m.getName()) {
            case "next" -> ++cursor[0] < rows.size();
            case "getLong" -> ((Number) rows.get(cursor[0])[(Integer) args[0] - 1]).longValue();
            case "getInt" -> ((Number) rows.get(cursor[0])[(Integer) args[0] - 1]).intValue();
            case "getString" -> String.valueOf(rows.get(cursor[0])[(Integer) args[0] - 1]);
            case "close" -> null;
            default -> throw new UnsupportedOperationException("FakeHanaCloudJdbc: ResultSet." + m.getName());
        });
    }

    @FunctionalInterface
    private interface Handler {
        Object handle(Object self, java.lang.reflect.Method method, Object[] args) throws Exception;
    }

    @SuppressWarnings("unchecked")
    private static <T> T proxy(Class<T> type, Handler handler) {
        InvocationHandler h = (self, method, args) -> {
            try {
                return handler.handle(self, method, args);
            } catch (InvocationTargetException e) {
                throw e.getCause();
            }
        };
        return (T) Proxy.newProxyInstance(FakeHanaCloudJdbc.class.getClassLoader(), new Class<?>[] {type}, h);
    }
}
