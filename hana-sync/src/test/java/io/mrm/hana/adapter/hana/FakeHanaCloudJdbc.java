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
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A JDBC fake of two SAP HANA Cloud databases with smart data integration, for statement-level
 * tests: {@link Proxy} connections that understand exactly the statements hana-sync sends and keep
 * the catalog state they change (tables, virtual tables, remote subscriptions and their states,
 * statistics, privileges, the fencing table, capture suspended or not). Any other SQL fails, so a
 * changed statement fails the tests; every statement is recorded with its region. A drain marker
 * upserted in one database shows in the other once that one has a distributing subscription for it
 * and has been asked {@code markerLagReads} times.
 */
final class FakeHanaCloudJdbc {

    static final class Db {
        final String region;
        final Set<String> schemas = new HashSet<>(Set.of("SYS"));
        final Set<String> tables = new TreeSet<>();
        final Set<String> virtualTables = new TreeSet<>();
        final Map<String, String> subscriptions = new TreeMap<>();
        final Map<String, long[]> statistics = new HashMap<>();
        final Set<String> grants = new HashSet<>();
        final Map<String, long[]> fencing = new HashMap<>();
        final Map<String, String> fencingRole = new HashMap<>();
        final Map<String, Long> marker = new HashMap<>();
        final Map<String, Long> rowsOnlyHere = new HashMap<>();
        /**
         * Rows the primary's table (read through the virtual table) has that this replica table lacks,
         * by replica table; a table made {@code LIKE} its virtual table starts lacking some (it is empty).
         */
        final Map<String, Long> rowsMissingHere = new HashMap<>();
        /** Tables made with CREATE ... AS (SELECT ... EXCEPT ...): how many rows each holds. */
        final Map<String, Long> kept = new HashMap<>();
        boolean captureSuspended;
        boolean down;
        int markerReads;

        Db(String region) {
            this.region = region;
        }
    }

    final Map<String, Db> dbs = new TreeMap<>();
    final List<String> executed = new CopyOnWriteArrayList<>();
    int markerLagReads = 2;
    /** The next statement starting with this fails as a lost connection would (then it is cleared). */
    volatile String failOnce;
    private final Map<String, Long> pendingMarker = new HashMap<>();

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

    /** The statements sent to {@code region}, without the catalog reads. */
    List<String> changes(String region) {
        return executed.stream().filter(s -> s.startsWith(region + ": "))
                .map(s -> s.substring(region.length() + 2))
                .filter(s -> !s.startsWith("SELECT")).toList();
    }

    private Connection connection(Db db) {
        return proxy(Connection.class, (self, m, args) -> switch (m.getName()) {
            case "prepareStatement" -> prepared(db, (String) args[0]);
            case "createStatement" -> proxy(Statement.class, (s, sm, sargs) -> switch (sm.getName()) {
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
            case "executeUpdate" -> ((Number) run(db, sql, new ArrayList<>(params.values())).get(0)[0]).intValue();
            case "close" -> null;
            default -> throw new UnsupportedOperationException("FakeHanaCloudJdbc: PreparedStatement." + m.getName());
        });
    }

    private static final String Q = "\"([A-Z0-9_<>]+)\"";
    private static final Pattern CREATE_VT = Pattern.compile(
            "CREATE VIRTUAL TABLE " + Q + "\\." + Q + " AT " + Q + "\\.\"<NULL>\"\\." + Q + "\\." + Q);
    private static final Pattern CREATE_LIKE = Pattern.compile("CREATE COLUMN TABLE " + Q + "\\." + Q + " LIKE " + Q + "\\." + Q);
    private static final Pattern CREATE_SUB = Pattern.compile(
            "CREATE REMOTE SUBSCRIPTION " + Q + "\\." + Q + " ON " + Q + "\\." + Q + " TARGET TABLE " + Q + "\\." + Q);
    private static final Pattern ALTER_SUB = Pattern.compile("ALTER REMOTE SUBSCRIPTION " + Q + "\\." + Q + " (QUEUE|DISTRIBUTE)");
    private static final Pattern DROP_SUB = Pattern.compile("DROP REMOTE SUBSCRIPTION " + Q + "\\." + Q);
    private static final Pattern CAPTURE = Pattern.compile("ALTER REMOTE SOURCE " + Q + " (SUSPEND|RESUME) CAPTURE");
    private static final Pattern PRIVILEGE = Pattern.compile(
            "(GRANT|REVOKE) INSERT, UPDATE, DELETE ON " + Q + "\\." + Q + " (TO|FROM) " + Q);
    private static final Pattern LOST = Pattern.compile("CREATE COLUMN TABLE " + Q + "\\." + Q + " AS \\(SELECT \\* FROM "
            + Q + "\\." + Q + " EXCEPT SELECT \\* FROM " + Q + "\\." + Q + "\\)");
    private static final Pattern EXCEPT_COUNT = Pattern.compile("SELECT COUNT\\(\\*\\) FROM \\(SELECT \\* FROM " + Q + "\\."
            + Q + " EXCEPT SELECT \\* FROM " + Q + "\\." + Q + "\\)");
    private static final Pattern DELETE_ALL = Pattern.compile("DELETE FROM " + Q + "\\." + Q);
    private static final Pattern RELOAD = Pattern.compile("INSERT INTO " + Q + "\\." + Q + " SELECT \\* FROM " + Q + "\\." + Q);
    private static final Pattern CREATE_MARKER = Pattern.compile("CREATE COLUMN TABLE " + Q + "\\.\"MRM_DRAIN_MARKER\""
            + " \\(APPLICATION_ID NVARCHAR\\(256\\) PRIMARY KEY, SEQ BIGINT NOT NULL\\)");
    private static final Pattern UPSERT_MARKER = Pattern.compile("UPSERT " + Q + "\\.\"MRM_DRAIN_MARKER\" \\(APPLICATION_ID, SEQ\\)"
            + " VALUES \\(\\?, \\?\\) WITH PRIMARY KEY");
    private static final Pattern READ_MARKER = Pattern.compile("SELECT SEQ FROM " + Q + "\\.\"MRM_DRAIN_MARKER\" WHERE APPLICATION_ID = \\?");

    private static final Pattern COUNT_TABLE = Pattern.compile("SELECT COUNT\\(\\*\\) FROM " + Q + "\\." + Q);

    private synchronized List<Object[]> run(Db db, String sql, List<Object> p) throws SQLException {
        if (failOnce != null && sql.startsWith(failOnce)) {
            failOnce = null;
            // HANA's "connection lost" (-10807), as the client reports it
            throw new SQLException("FakeHanaCloudJdbc: connection lost during " + sql, "08S01", -10807);
        }
        executed.add(db.region + ": " + sql);
        Matcher m;
        switch (sql) {
            case "SELECT COUNT(*) FROM SYS.TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?":
                return one(db.tables.contains(p.get(0) + "." + p.get(1)) ? 1L : 0L);
            case "SELECT COUNT(*) FROM SYS.VIRTUAL_TABLES WHERE SCHEMA_NAME = ? AND TABLE_NAME = ?":
                return one(db.virtualTables.contains(p.get(0) + "." + p.get(1)) ? 1L : 0L);
            case "SELECT COUNT(*) FROM SYS.SCHEMAS WHERE SCHEMA_NAME = ?":
                return one(db.schemas.contains(p.get(0)) ? 1L : 0L);
            case "CREATE SCHEMA \"MRM\"":
                db.schemas.add("MRM");
                return one(0L);
            case "CREATE COLUMN TABLE \"MRM\".\"FENCING\" (APPLICATION_ID NVARCHAR(256) PRIMARY KEY, EPOCH BIGINT NOT NULL,"
                    + " ROLE NVARCHAR(16) NOT NULL)":
                db.tables.add("MRM.FENCING");
                return one(0L);
            case "SELECT EPOCH, ROLE FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = ?": {
                long[] e = db.fencing.get(p.get(0));
                return e == null ? List.of() : List.<Object[]>of(new Object[] {e[0], db.fencingRole.get(p.get(0))});
            }
            case "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?": {
                long[] e = db.fencing.get(p.get(2));
                if (e == null || e[0] > ((Number) p.get(3)).longValue()) {
                    return one(0L);
                }
                e[0] = ((Number) p.get(0)).longValue();
                db.fencingRole.put((String) p.get(2), (String) p.get(1));
                return one(1L);
            }
            case "INSERT INTO \"MRM\".\"FENCING\" (APPLICATION_ID, EPOCH, ROLE) SELECT ?, ?, ? FROM DUMMY WHERE NOT EXISTS"
                    + " (SELECT 1 FROM \"MRM\".\"FENCING\" WHERE APPLICATION_ID = ?)":
                if (db.fencing.containsKey(p.get(0))) {
                    return one(0L);
                }
                db.fencing.put((String) p.get(0), new long[] {((Number) p.get(1)).longValue()});
                db.fencingRole.put((String) p.get(0), (String) p.get(2));
                return one(1L);
            case "SELECT TABLE_NAME FROM SYS.M_CS_TABLES WHERE SCHEMA_NAME = ? ORDER BY TABLE_NAME LIMIT ? OFFSET ?": {
                String prefix = p.get(0) + ".";
                List<Object[]> rows = db.tables.stream().filter(t -> t.startsWith(prefix))
                        .map(t -> new Object[] {t.substring(prefix.length())}).toList();
                int limit = (Integer) p.get(1);
                int offset = (Integer) p.get(2);
                return rows.subList(Math.min(offset, rows.size()), Math.min(offset + limit, rows.size()));
            }
            case "SELECT SUBSCRIPTION_NAME FROM SYS.REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?":
                return db.subscriptions.keySet().stream().filter(s -> s.startsWith(p.get(0) + "."))
                        .map(s -> new Object[] {s.substring(s.indexOf('.') + 1)}).toList();
            case "SELECT SUBSCRIPTION_NAME, STATE FROM SYS.M_REMOTE_SUBSCRIPTIONS WHERE SCHEMA_NAME = ?":
                return db.subscriptions.entrySet().stream().filter(s -> s.getKey().startsWith(p.get(0) + "."))
                        .map(s -> new Object[] {s.getKey().substring(s.getKey().indexOf('.') + 1), s.getValue()}).toList();
            case "SELECT COALESCE(SUM(RECEIVED_MESSAGE_COUNT - APPLIED_MESSAGE_COUNT), 0)"
                    + " FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS WHERE SCHEMA_NAME = ?":
                return one(db.statistics.entrySet().stream().filter(s -> s.getKey().startsWith(p.get(0) + "."))
                        .mapToLong(s -> s.getValue()[0] - s.getValue()[1]).sum());
            case "SELECT COUNT(*) FROM SYS.GRANTED_PRIVILEGES WHERE GRANTEE = ? AND SCHEMA_NAME = ?"
                    + " AND OBJECT_NAME = ? AND PRIVILEGE = 'INSERT'":
                return one(db.grants.contains(p.get(0) + ":" + p.get(1) + "." + p.get(2)) ? 1L : 0L);
            default:
                break;
        }
        if ((m = CREATE_VT.matcher(sql)).matches()) {
            db.virtualTables.add(m.group(1) + "." + m.group(2));
        } else if ((m = CREATE_LIKE.matcher(sql)).matches()) {
            db.tables.add(m.group(1) + "." + m.group(2));
            db.rowsMissingHere.put(m.group(1) + "." + m.group(2), 1L);
        } else if ((m = CREATE_SUB.matcher(sql)).matches()) {
            require(db.virtualTables.contains(m.group(3) + "." + m.group(4)), "virtual table missing: " + sql);
            db.subscriptions.put(m.group(1) + "." + m.group(2), "CREATED");
            db.statistics.put(m.group(1) + "." + m.group(2), new long[] {0, 0});
        } else if ((m = ALTER_SUB.matcher(sql)).matches()) {
            String sub = m.group(1) + "." + m.group(2);
            require(db.subscriptions.containsKey(sub), "no subscription " + sub);
            db.subscriptions.put(sub, m.group(3).equals("QUEUE") ? "MAT_COMP_BEG_MARKER" : "APPLY_CHANGE_DATA");
        } else if ((m = DROP_SUB.matcher(sql)).matches()) {
            require(db.captureSuspended, "dropping a subscription while capture runs: " + sql);
            require(db.subscriptions.remove(m.group(1) + "." + m.group(2)) != null, "no subscription: " + sql);
            db.statistics.remove(m.group(1) + "." + m.group(2));
        } else if ((m = CAPTURE.matcher(sql)).matches()) {
            db.captureSuspended = m.group(2).equals("SUSPEND");
        } else if ((m = PRIVILEGE.matcher(sql)).matches()) {
            String grant = m.group(5) + ":" + m.group(2) + "." + m.group(3);
            if (m.group(1).equals("GRANT")) {
                db.grants.add(grant);
            } else {
                require(db.grants.remove(grant), "revoking a privilege not granted: " + sql);
            }
        } else if ((m = LOST.matcher(sql)).matches()) {
            // HANA refuses a second table of the same name: error 288, "cannot use duplicate table name"
            require288(!db.tables.contains(m.group(1) + "." + m.group(2)), sql);
            db.tables.add(m.group(1) + "." + m.group(2));
            db.kept.put(m.group(1) + "." + m.group(2), db.rowsOnlyHere.getOrDefault(m.group(3) + "." + m.group(4), 0L));
        } else if ((m = COUNT_TABLE.matcher(sql)).matches()) {
            String table = m.group(1) + "." + m.group(2);
            require(db.tables.contains(table) || db.virtualTables.contains(table), "no table: " + sql);
            return one(db.kept.getOrDefault(table, 0L));
        } else if ((m = EXCEPT_COUNT.matcher(sql)).matches()) {
            if (m.group(2).startsWith("VT_")) {
                // what the primary has that this table lacks
                return one(db.rowsMissingHere.getOrDefault(m.group(3) + "." + m.group(4), 0L));
            }
            return one(db.rowsOnlyHere.getOrDefault(m.group(1) + "." + m.group(2), 0L));
        } else if ((m = DELETE_ALL.matcher(sql)).matches()) {
            db.rowsOnlyHere.remove(m.group(1) + "." + m.group(2));
            db.rowsMissingHere.put(m.group(1) + "." + m.group(2), 1L);
        } else if ((m = RELOAD.matcher(sql)).matches()) {
            require(db.virtualTables.contains(m.group(3) + "." + m.group(4)), "virtual table missing: " + sql);
            db.rowsMissingHere.remove(m.group(1) + "." + m.group(2));
        } else if ((m = CREATE_MARKER.matcher(sql)).matches()) {
            db.tables.add(m.group(1) + ".MRM_DRAIN_MARKER");
        } else if ((m = UPSERT_MARKER.matcher(sql)).matches()) {
            require(db.tables.contains(m.group(1) + ".MRM_DRAIN_MARKER"), "no marker table");
            db.marker.put((String) p.get(0), ((Number) p.get(1)).longValue());
            for (Db other : dbs.values()) {
                if (other != db && "APPLY_CHANGE_DATA".equals(other.subscriptions.get(m.group(1) + ".SUB_MRM_DRAIN_MARKER"))
                        && !other.captureSuspended) {
                    pendingMarker.put(other.region + "|" + p.get(0), ((Number) p.get(1)).longValue());
                    other.markerReads = 0;
                }
            }
            return one(1L);
        } else if ((m = READ_MARKER.matcher(sql)).matches()) {
            Long pending = pendingMarker.get(db.region + "|" + p.get(0));
            if (pending != null && ++db.markerReads >= markerLagReads) {
                db.marker.put((String) p.get(0), pending);
                pendingMarker.remove(db.region + "|" + p.get(0));
            }
            Long seq = db.marker.get(p.get(0));
            return seq == null ? List.of() : one(seq);
        } else {
            throw new SQLException("FakeHanaCloudJdbc does not understand: " + sql, "42000", 257);
        }
        return one(0L);
    }

    private static void require288(boolean condition, String sql) throws SQLException {
        if (!condition) {
            throw new SQLException("cannot use duplicate table name: " + sql, "HY000", 288);
        }
    }

    private static void require(boolean condition, String message) throws SQLException {
        if (!condition) {
            throw new SQLException("FakeHanaCloudJdbc: " + message, "HY000", 1);
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
