package io.mrm.benchmarks.data;

import io.mrm.benchmarks.engine.BenchArgs;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.hana.adapter.postgres.PostgresApplication;
import io.mrm.hana.adapter.postgres.PostgresDebeziumReplication;
import io.mrm.hana.adapter.postgres.PostgresRegion;
import io.mrm.hana.adapter.postgres.TableName;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.kafka.SecretReference;
import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.HdrHistogram.Recorder;

/**
 * PostgreSQL + Debezium replication between two real PostgreSQL servers on this machine:
 * <ol>
 *   <li>lag (source commit → applied on the standby) at a steady offered rate of rows/s;</li>
 *   <li>sustained throughput: the primary written as fast as one connection can, the standby's
 *       applied rows/s over the same period, then the time to catch up;</li>
 *   <li>switchover time (drain + promote through the command handler) under the steady rate,
 *       repeated A→B, B→A with re-protect in between.</li>
 * </ol>
 * Everything shares the machine's cores: two PostgreSQL servers, the writer, Debezium and the applier.
 */
public final class PostgresReplicationBench {

    private static final String A = "region-a";
    private static final String B = "region-b";

    public static void main(String[] args) throws Exception {
        BenchArgs opts = new BenchArgs(
                args,
                Map.of(
                        "rate",
                        "1000",
                        "warmup",
                        "30s",
                        "measure",
                        "60s",
                        "burst",
                        "20s",
                        "switchovers",
                        "4",
                        "synchronous-commit",
                        "off"));
        System.out.println("postgres replication bench " + opts);
        try (EmbeddedPostgres a = start();
                EmbeddedPostgres b = start()) {
            for (EmbeddedPostgres pg : List.of(a, b)) {
                try (Connection c = admin(pg);
                        Statement s = c.createStatement()) {
                    s.execute("CREATE ROLE app LOGIN PASSWORD 'app'");
                    // how the application commits: with off (these servers' default), its WAL reaches the
                    // capture only when the WAL writer flushes it (every wal_writer_delay, 200 ms)
                    s.execute("ALTER ROLE app SET synchronous_commit = "
                            + ("on".equals(opts.text("synchronous-commit")) ? "on" : "off"));
                    s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2),"
                            + " note text, created_at timestamptz NOT NULL)");
                    s.execute("CREATE TABLE account (id int PRIMARY KEY, last_order bigint, updated_at timestamptz)");
                    s.execute("INSERT INTO account SELECT g, NULL, now() FROM generate_series(1, 1000) g");
                    s.execute("GRANT SELECT ON orders, account TO app");
                }
            }
            SecretReference password = SecretReference.env("BENCH_PG", Map.of("BENCH_PG", "trust"));
            PostgresApplication app = new PostgresApplication(
                    "bench",
                    A,
                    Map.of(
                            A, new PostgresRegion(A, url(a), "postgres", password),
                            B, new PostgresRegion(B, url(b), "postgres", password)),
                    List.of(TableName.parse("orders"), TableName.parse("account")),
                    "app");
            Recorder lag = new Recorder(3);
            AtomicLong applied = new AtomicLong();
            try (PostgresDebeziumReplication replication =
                    new PostgresDebeziumReplication(List.of(app), (committed, at) -> {
                        lag.recordValue(Math.max(0, at - committed));
                        applied.incrementAndGet();
                    })) {
                replication.start();
                long until = System.nanoTime() + 30_000_000_000L;
                while (!replication.ready() && System.nanoTime() < until) {
                    TimeUnit.MILLISECONDS.sleep(20);
                }
                Writer writer = new Writer(Map.of(A, url(a), B, url(b)), A);

                // 1. lag at a steady rate (two rows per transaction: an order and its account)
                writer.steady(opts.integer("rate") / 2);
                TimeUnit.MILLISECONDS.sleep(opts.duration("warmup").toMillis());
                lag.getIntervalHistogram();
                long before = applied.get();
                long t0 = System.nanoTime();
                TimeUnit.MILLISECONDS.sleep(opts.duration("measure").toMillis());
                var h = lag.getIntervalHistogram();
                double seconds = (System.nanoTime() - t0) / 1e9;
                System.out.printf(
                        "steady %d rows/s offered: applied %.0f rows/s; lag p50 %d ms, p99 %d ms, p99.9 %d ms,"
                                + " max %d ms (%d changes)%n",
                        opts.integer("rate"),
                        (applied.get() - before) / seconds,
                        h.getValueAtPercentile(50),
                        h.getValueAtPercentile(99),
                        h.getValueAtPercentile(99.9),
                        h.getMaxValue(),
                        h.getTotalCount());

                // 2. switchovers under the steady rate
                HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
                String primary = A;
                long epoch = 0;
                for (int i = 0; i < opts.integer("switchovers"); i++) {
                    String standby = primary.equals(A) ? B : A;
                    epoch++;
                    if (i > 0) {
                        check(handler.handle(new DataReprotectCommand(
                                id(), "bench", Instant.now(), 1, step(epoch, 0), primary, standby)));
                        TimeUnit.SECONDS.sleep(3); // let the standby catch up with what it missed
                    }
                    long s0 = System.nanoTime();
                    check(handler.handle(
                            new DataDrainCommand(id(), "bench", Instant.now(), 1, step(epoch, 1), primary, standby)));
                    long s1 = System.nanoTime();
                    check(handler.handle(
                            new DataPromoteCommand(id(), "bench", Instant.now(), 1, step(epoch, 2), standby)));
                    long s2 = System.nanoTime();
                    writer.pointAt(standby);
                    System.out.printf(
                            "switchover %s -> %s under load: drain %d ms, promote %d ms, total %d ms%n",
                            primary, standby, (s1 - s0) / 1_000_000, (s2 - s1) / 1_000_000, (s2 - s0) / 1_000_000);
                    primary = standby;
                }
                writer.stopSteady();

                // 3. throughput: write as fast as possible for a while, then wait until applied
                String standby = primary.equals(A) ? B : A;
                epoch++;
                check(handler.handle(
                        new DataReprotectCommand(id(), "bench", Instant.now(), 1, step(epoch, 0), primary, standby)));
                check(handler.handle(
                        new DataDrainCommand(id(), "bench", Instant.now(), 1, step(epoch, 1), primary, standby)));
                long appliedBefore = applied.get();
                long w0 = System.nanoTime();
                long written = writer.burst(primary, opts.duration("burst"));
                long w1 = System.nanoTime();
                CommandAck drained;
                do {
                    drained = handler.handle(new DataDrainCommand(
                            id(),
                            "bench",
                            Instant.now(),
                            1,
                            new StepRef("d-" + epoch, epoch, 1, 1, Instant.now().plusSeconds(600)),
                            primary,
                            standby));
                } while (drained.outcome() != AckOutcome.SUCCEEDED);
                long w2 = System.nanoTime();
                long rows = applied.get() - appliedBefore;
                System.out.printf(
                        "throughput: wrote %d rows in %.1f s (%.0f rows/s on one connection); applied %d rows"
                                + " by %.1f s: %.0f rows/s sustained%n",
                        written,
                        (w1 - w0) / 1e9,
                        written / ((w1 - w0) / 1e9),
                        rows,
                        (w2 - w0) / 1e9,
                        rows / ((w2 - w0) / 1e9));
                writer.close();
            }
        }
    }

    private static void check(CommandAck ack) {
        if (ack.outcome() != AckOutcome.SUCCEEDED) {
            throw new IllegalStateException(
                    ack.action() + " " + ack.outcome() + " " + ack.errorCode() + ": " + ack.detail());
        }
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static StepRef step(long epoch, int index) {
        return new StepRef("d-" + epoch, epoch, index, 1, Instant.now().plusSeconds(60));
    }

    private static EmbeddedPostgres start() throws Exception {
        return EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "8")
                .setServerConfig("max_wal_senders", "8")
                .start();
    }

    static String url(EmbeddedPostgres pg) {
        return "jdbc:postgresql://localhost:" + pg.getPort() + "/postgres";
    }

    static Connection admin(EmbeddedPostgres pg) throws SQLException {
        return DriverManager.getConnection(url(pg), "postgres", "");
    }

    /** The application: one transaction per tick (an order and its account), on whichever region it is pointed at. */
    private static final class Writer {
        private final Map<String, String> urls;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final AtomicLong ids = new AtomicLong(1);
        private volatile String target;
        private java.util.concurrent.ScheduledFuture<?> steadyTask;
        private Connection connection;
        private String connectedTo;

        Writer(Map<String, String> urls, String target) {
            this.urls = urls;
            this.target = target;
        }

        void pointAt(String region) {
            target = region;
        }

        void steady(int transactionsPerSecond) {
            steadyTask = timer.scheduleAtFixedRate(
                    () -> {
                        try {
                            write(target, 1);
                        } catch (SQLException e) {
                            closeConnection(); // fenced, or the session was ended: reconnect on the next tick
                        }
                    },
                    0,
                    1_000_000 / transactionsPerSecond,
                    TimeUnit.MICROSECONDS);
        }

        long burst(String region, Duration duration) throws Exception {
            return timer.submit(() -> {
                        long end = System.nanoTime() + duration.toNanos();
                        long rows = 0;
                        while (System.nanoTime() < end) {
                            write(region, 50);
                            rows += 100;
                        }
                        return rows;
                    })
                    .get();
        }

        private void write(String region, int orders) throws SQLException {
            if (connection == null || !region.equals(connectedTo)) {
                closeConnection();
                connection = DriverManager.getConnection(urls.get(region), "app", "app");
                connection.setAutoCommit(false);
                connectedTo = region;
            }
            try (PreparedStatement order =
                            connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, 'bench order', now())");
                    PreparedStatement account = connection.prepareStatement(
                            "UPDATE account SET last_order = ?, updated_at = now() WHERE id = ?")) {
                for (int i = 0; i < orders; i++) {
                    long id = ids.getAndIncrement();
                    order.setLong(1, id);
                    order.setInt(2, (int) (id % 1000) + 1);
                    order.setBigDecimal(3, java.math.BigDecimal.valueOf(id % 100_000, 2));
                    order.addBatch();
                    account.setLong(1, id);
                    account.setInt(2, (int) (id % 1000) + 1);
                    account.addBatch();
                }
                order.executeBatch();
                account.executeBatch();
            }
            connection.commit();
        }

        private void closeConnection() {
            if (connection != null) {
                try {
                    connection.close();
                } catch (SQLException ignored) {
                    // ended by the fence
                }
                connection = null;
            }
        }

        void stopSteady() {
            steadyTask.cancel(false);
        }

        void close() {
            timer.shutdownNow();
        }
    }
}
