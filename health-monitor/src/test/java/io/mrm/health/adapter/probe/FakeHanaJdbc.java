package io.mrm.health.adapter.probe;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A JDBC fake of SAP HANA for statement-level tests: {@link java.lang.reflect.Proxy} connections that
 * understand exactly three statements — {@code SELECT 1 FROM DUMMY}, the backlog query over
 * {@code SYS.M_REMOTE_SUBSCRIPTION_STATISTICS} and the streaming query over {@code SYS.M_REMOTE_SUBSCRIPTIONS}
 * (STATE, LAST_PROCESSED_TRANSACTION_TIME, as the SAP HANA SQL reference's monitoring views describe them),
 * which it evaluates itself over the rows a test gives it (so the test checks the SQL text <em>and</em> what
 * the real view would give). Any other SQL is an
 * error, so a changed statement fails the tests. It records every statement and query timeout.
 */
final class FakeHanaJdbc {

    static final String SELECT_1 = "SELECT 1 FROM DUMMY";
    static final String BACKLOG = "SELECT COUNT(*), COALESCE(SUM(RECEIVED_MESSAGE_COUNT - APPLIED_MESSAGE_COUNT), 0) "
            + "FROM SYS.M_REMOTE_SUBSCRIPTION_STATISTICS";

    static final String STREAMING = "SELECT SUBSCRIPTION_NAME, STATE, SECONDS_BETWEEN(LAST_PROCESSED_TRANSACTION_TIME, "
            + "CURRENT_TIMESTAMP) FROM SYS.M_REMOTE_SUBSCRIPTIONS";

    /**
     * One subscription: its row of M_REMOTE_SUBSCRIPTION_STATISTICS and of M_REMOTE_SUBSCRIPTIONS (the
     * columns the probe uses); {@code secondsSinceApplied} null when it never applied a transaction.
     */
    record Subscription(
            String schemaName,
            String subscriptionName,
            long receivedMessageCount,
            long appliedMessageCount,
            String state,
            Long secondsSinceApplied) {

        /** A subscription that streams and applied a change a second ago. */
        Subscription(String schemaName, String subscriptionName, long receivedMessageCount, long appliedMessageCount) {
            this(schemaName, subscriptionName, receivedMessageCount, appliedMessageCount, "APPLY_CHANGE_DATA", 1L);
        }
    }

    final List<String> executed = new CopyOnWriteArrayList<>();
    final List<Integer> queryTimeouts = new CopyOnWriteArrayList<>();
    final AtomicInteger opened = new AtomicInteger();
    final AtomicInteger closed = new AtomicInteger();
    final AtomicInteger aborted = new AtomicInteger();
    volatile List<Subscription> subscriptions = List.of();
    volatile SQLException statisticsError;
    volatile SQLException connectError;
    /** When set, SELECT 1 FROM DUMMY blocks until the connection is aborted (or 10 s pass). */
    volatile boolean hang;

    private volatile FakeConnection current;

    JdbcProbe.ConnectionSource source() {
        return new JdbcProbe.ConnectionSource() {
            @Override
            public Connection open() throws SQLException {
                if (connectError != null) {
                    throw connectError;
                }
                opened.incrementAndGet();
                FakeConnection connection = new FakeConnection();
                current = connection;
                return connection.proxy;
            }

            @Override
            public String toString() {
                return "jdbc:sap://hana.fake:443";
            }
        };
    }

    /** The connection handed out last stops working, as after a server restart. */
    void breakCurrentConnection() {
        current.broken = true;
    }

    private final class FakeConnection {
        final CountDownLatch abort = new CountDownLatch(1);
        volatile boolean broken;
        volatile boolean isClosed;
        final Connection proxy = proxy(Connection.class, (self, method, args) -> switch (method.getName()) {
            case "createStatement" -> statement();
            case "close" -> {
                if (!isClosed) {
                    isClosed = true;
                    closed.incrementAndGet();
                }
                yield null;
            }
            case "isClosed" -> isClosed;
            case "abort" -> {
                aborted.incrementAndGet();
                isClosed = true;
                abort.countDown();
                yield null;
            }
            case "toString" -> "FakeHanaJdbc connection";
            default -> throw new UnsupportedOperationException("FakeHanaJdbc: Connection." + method.getName());
        });

        Statement statement() {
            return proxy(Statement.class, (self, method, args) -> switch (method.getName()) {
                case "setQueryTimeout" -> {
                    queryTimeouts.add((Integer) args[0]);
                    yield null;
                }
                case "executeQuery" -> execute((String) args[0]);
                case "close" -> null;
                default -> throw new UnsupportedOperationException("FakeHanaJdbc: Statement." + method.getName());
            });
        }

        ResultSet execute(String sql) throws SQLException, InterruptedException {
            executed.add(sql);
            if (isClosed || broken) {
                throw new SQLException("FakeHanaJdbc: connection reset by peer", "08S01");
            }
            if (sql.equals(SELECT_1)) {
                if (hang) {
                    abort.await(10, TimeUnit.SECONDS);
                    throw new SQLException("FakeHanaJdbc: connection aborted", "08003");
                }
                return rows(new long[] {1});
            }
            if (sql.equals(BACKLOG)) {
                if (statisticsError != null) {
                    throw statisticsError;
                }
                List<Subscription> rows = subscriptions;
                long backlog = rows.stream()
                        .mapToLong(s -> s.receivedMessageCount() - s.appliedMessageCount())
                        .sum();
                return rows(new long[] {rows.size(), backlog});
            }
            if (sql.equals(STREAMING)) {
                return streaming(subscriptions);
            }
            throw new SQLException("FakeHanaJdbc does not understand: " + sql, "42000");
        }
    }

    private static ResultSet streaming(List<Subscription> rows) {
        int[] cursor = {-1};
        boolean[] lastNull = {false};
        return proxy(ResultSet.class, (self, method, args) -> switch (method.getName()) {
            case "next" -> ++cursor[0] < rows.size();
            case "getString" -> {
                Subscription s = rows.get(cursor[0]);
                lastNull[0] = false;
                yield (Integer) args[0] == 1 ? s.subscriptionName() : s.state();
            }
            case "getLong" -> {
                Long age = rows.get(cursor[0]).secondsSinceApplied();
                lastNull[0] = age == null;
                yield age == null ? 0L : age;
            }
            case "wasNull" -> lastNull[0];
            case "close" -> null;
            default -> throw new UnsupportedOperationException("FakeHanaJdbc: ResultSet." + method.getName());
        });
    }

    private static ResultSet rows(long[] row) {
        int[] cursor = {0};
        return proxy(ResultSet.class, (self, method, args) -> switch (method.getName()) {
            case "next" -> cursor[0]++ == 0;
            case "getLong" -> row[(Integer) args[0] - 1];
            case "getInt" -> (int) row[(Integer) args[0] - 1];
            case "wasNull" -> false;
            case "close" -> null;
            default -> throw new UnsupportedOperationException("FakeHanaJdbc: ResultSet." + method.getName());
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
        return (T) Proxy.newProxyInstance(FakeHanaJdbc.class.getClassLoader(), new Class<?>[] {type}, h);
    }
}
