package io.mrm.chaos.adapter;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.Set;
import java.util.concurrent.ConcurrentSkipListSet;
import java.util.concurrent.locks.LockSupport;

/**
 * The application writing to its database at a steady rate: one INSERT into {@code public.orders} per period, as
 * the application's role ({@code SET ROLE shop_app}, so a fence refuses it), on the path the application takes
 * (the database's link, cut when the whole region goes). Counts the ids whose commit the database confirmed; a
 * refused or failed write is tried again with the next id on a new connection.
 */
public final class RowWriter implements AutoCloseable {

    private final Backends backends;
    private final String region;
    private final long periodNanos;
    private final Set<Long> confirmed = new ConcurrentSkipListSet<>();
    private final Thread thread;
    private volatile boolean stopped;
    private volatile int failures;

    /** Starts writing to {@code region}'s database every {@code periodMillis}. */
    public RowWriter(Backends backends, String region, long periodMillis) {
        this.backends = backends;
        this.region = region;
        this.periodNanos = periodMillis * 1_000_000L;
        this.thread = new Thread(this::write, "row-writer-" + region);
        thread.setDaemon(true);
        thread.start();
    }

    private void write() {
        long id = 0;
        Connection connection = null;
        while (!stopped) {
            long next = System.nanoTime() + periodNanos;
            id++;
            try {
                if (connection == null) {
                    connection = backends.applicationConnection(region);
                    try (Statement s = connection.createStatement()) {
                        s.execute("SET ROLE shop_app");
                    }
                }
                try (PreparedStatement insert =
                        connection.prepareStatement("INSERT INTO public.orders (id, item) VALUES (?, 'chaos')")) {
                    insert.setLong(1, id);
                    insert.executeUpdate(); // auto-commit: returning is the commit's confirmation
                }
                confirmed.add(id);
            } catch (SQLException | RuntimeException e) {
                failures++;
                closeQuietly(connection);
                connection = null;
            }
            for (long left = next - System.nanoTime(); left > 0 && !stopped; left = next - System.nanoTime()) {
                LockSupport.parkNanos(left);
            }
        }
        closeQuietly(connection);
    }

    /** The ids whose commit was confirmed so far. */
    public Set<Long> confirmed() {
        return Set.copyOf(confirmed);
    }

    public int failures() {
        return failures;
    }

    @Override
    public void close() {
        stopped = true;
        LockSupport.unpark(thread);
        try {
            thread.join(30_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private static void closeQuietly(Connection connection) {
        if (connection != null) {
            try {
                connection.close();
            } catch (SQLException e) {
                // gone already
            }
        }
    }
}
