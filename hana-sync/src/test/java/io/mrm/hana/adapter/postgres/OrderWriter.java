package io.mrm.hana.adapter.postgres;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The application under test: one transaction every 2 ms as role {@code app} on the region it is
 * pointed at (about 1,100 rows/s): insert an order, update its account, every 5th also delete an
 * earlier order, every 10th insert an audit row. It remembers which transactions committed where and
 * when, which were refused, and which are in doubt (the commit itself failed).
 */
final class OrderWriter implements AutoCloseable {

    record Commit(String region, long orderId, long deletedOrderId, long nanoTime) {}

    private final TwoPostgresRegions regions;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
    private final AtomicLong nextId;
    private volatile String target;
    private Connection connection;
    private String connectedTo;
    final List<Commit> commits = new CopyOnWriteArrayList<>();
    final Set<Long> inDoubt = ConcurrentHashMap.newKeySet();
    final Map<String, AtomicLong> refused = new ConcurrentHashMap<>();

    OrderWriter(TwoPostgresRegions regions, String target, long firstId) {
        this.regions = regions;
        this.target = target;
        this.nextId = new AtomicLong(firstId);
    }

    OrderWriter start() {
        return start(2);
    }

    /** One transaction every {@code periodMillis}. */
    OrderWriter start(long periodMillis) {
        timer.scheduleAtFixedRate(this::oneTransaction, 0, periodMillis, TimeUnit.MILLISECONDS);
        return this;
    }

    void pointAt(String region) {
        target = region;
    }

    long committedOn(String region) {
        return commits.stream().filter(c -> c.region().equals(region)).count();
    }

    private void oneTransaction() {
        long id = nextId.getAndIncrement();
        String region = target;
        boolean committing = false;
        try {
            Connection c = connection(region);
            long deleted = -1;
            try (PreparedStatement ps = c.prepareStatement("""
                    INSERT INTO orders (id, account_id, amount, note, created_at, tags)
                    VALUES (?, ?, ?, ?, now(), CAST(? AS jsonb))""")) {
                ps.setLong(1, id);
                ps.setInt(2, (int) (id % 100) + 1);
                ps.setBigDecimal(3, java.math.BigDecimal.valueOf(id % 10_000, 2));
                ps.setString(4, "order " + id + " \"quoted\" ünïcode");
                ps.setString(5, "{\"n\": " + id + ", \"even\": " + (id % 2 == 0) + "}");
                ps.executeUpdate();
            }
            try (PreparedStatement ps =
                    c.prepareStatement("UPDATE account SET last_order = ?, updated_at = now() WHERE id = ?")) {
                ps.setLong(1, id);
                ps.setInt(2, (int) (id % 100) + 1);
                ps.executeUpdate();
            }
            if (id % 5 == 0) {
                try (PreparedStatement ps = c.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                    ps.setLong(1, id - 3);
                    if (ps.executeUpdate() == 1) {
                        deleted = id - 3;
                    }
                }
            }
            if (id % 10 == 0) {
                try (PreparedStatement ps = c.prepareStatement(
                        "INSERT INTO audit (id, day, payload) VALUES (gen_random_uuid(), current_date, ?)")) {
                    ps.setString(1, "audit of " + id);
                    ps.executeUpdate();
                }
            }
            committing = true;
            c.commit();
            commits.add(new Commit(region, id, deleted, System.nanoTime()));
        } catch (SQLException e) {
            if (committing) {
                inDoubt.add(id);
            } else {
                refused.computeIfAbsent(region, r -> new AtomicLong()).incrementAndGet();
            }
            closeConnection();
        }
    }

    private Connection connection(String region) throws SQLException {
        if (connection == null || !region.equals(connectedTo)) {
            closeConnection();
            connection = regions.app(region);
            connection.setAutoCommit(false);
            connectedTo = region;
        }
        return connection;
    }

    private void closeConnection() {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException ignored) {
                // a terminated session
            }
            connection = null;
        }
    }

    @Override
    public void close() throws InterruptedException {
        timer.shutdown();
        timer.awaitTermination(10, TimeUnit.SECONDS);
        closeConnection();
    }
}
