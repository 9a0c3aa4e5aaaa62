package io.mrm.benchmarks.data;

import static io.mrm.benchmarks.data.PostgresReplicationBench.admin;
import static io.mrm.benchmarks.data.PostgresReplicationBench.url;

import io.mrm.benchmarks.engine.BenchArgs;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
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
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.ReentrantLock;

/**
 * The planned switchover and failback of PostgreSQL, many times, on a machine whose CPUs are kept
 * busy by other processes, against an application that commits asynchronously on servers whose WAL
 * writer waits 10 s: the conditions under which confirmed commits used to be lost. After every
 * promote it counts, on the new primary, the rows confirmed on the old one that are missing (lost),
 * rows a confirmed commit deleted that are back (stale), and rows no commit wrote (phantom); at the
 * end it compares both databases row by row. Prints the switchover times' spread. Exits 1 if any
 * count is not 0.
 */
public final class PostgresSwitchoverStress {

    private static final String A = "region-a";
    private static final String B = "region-b";

    public static void main(String[] args) throws Exception {
        BenchArgs opts = new BenchArgs(
                args, Map.of("cycles", "30", "writers", "3", "rate", "300", "burners", "2", "settle", "3s"));
        System.out.println("postgres switchover stress " + opts);
        List<Process> burners = new ArrayList<>();
        for (int i = 0; i < opts.integer("burners"); i++) {
            // a busy loop in another process: the cores are shared, as on a loaded machine
            burners.add(new ProcessBuilder("sh", "-c", "while :; do :; done").start());
        }
        Runtime.getRuntime().addShutdownHook(new Thread(() -> burners.forEach(Process::destroyForcibly)));
        int failures;
        try (EmbeddedPostgres a = start();
                EmbeddedPostgres b = start()) {
            failures = run(opts, Map.of(A, a, B, b));
        } finally {
            burners.forEach(Process::destroyForcibly);
        }
        System.exit(failures == 0 ? 0 : 1);
    }

    private static int run(BenchArgs opts, Map<String, EmbeddedPostgres> servers) throws Exception {
        for (EmbeddedPostgres pg : servers.values()) {
            try (Connection c = admin(pg);
                    Statement s = c.createStatement()) {
                s.execute("CREATE ROLE app LOGIN PASSWORD 'app'");
                s.execute("ALTER ROLE app SET synchronous_commit = off");
                s.execute("CREATE TABLE orders (id bigint PRIMARY KEY, account int NOT NULL, amount numeric(12,2),"
                        + " created_at timestamptz NOT NULL)");
                s.execute("CREATE TABLE account (id int PRIMARY KEY, last_order bigint, updated_at timestamptz)");
                s.execute("INSERT INTO account SELECT g, NULL, now() FROM generate_series(1, 100) g");
                s.execute("GRANT SELECT ON orders, account TO app");
            }
        }
        SecretReference password = SecretReference.env("BENCH_PG", Map.of("BENCH_PG", "trust"));
        PostgresApplication app = new PostgresApplication(
                "stress",
                A,
                Map.of(
                        A, new PostgresRegion(A, url(servers.get(A)), "postgres", password),
                        B, new PostgresRegion(B, url(servers.get(B)), "postgres", password)),
                List.of(TableName.parse("orders"), TableName.parse("account")),
                "app");
        Map<String, String> urls = Map.of(A, url(servers.get(A)), B, url(servers.get(B)));
        List<Writer> writers = new ArrayList<>();
        int lost = 0;
        int stale = 0;
        int phantom = 0;
        int failedSteps = 0;
        List<Long> switchovers = new ArrayList<>();
        try (PostgresDebeziumReplication replication = new PostgresDebeziumReplication(List.of(app))) {
            replication.start();
            long until = System.nanoTime() + 120_000_000_000L;
            while (!replication.ready() && System.nanoTime() < until) {
                TimeUnit.MILLISECONDS.sleep(20);
            }
            HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
            for (int i = 0; i < opts.integer("writers"); i++) {
                writers.add(new Writer(urls, A, 1 + i * 100_000_000L, opts.integer("rate")));
            }
            String primary = A;
            for (int cycle = 1; cycle <= opts.integer("cycles"); cycle++) {
                String from = primary;
                String standby = primary.equals(A) ? B : A;
                String decision = "d-" + cycle;
                long epoch = cycle;
                if (cycle > 1) {
                    failedSteps += retry(() -> handler.handle(new DataReprotectCommand(
                            id(), "stress", Instant.now(), 1, step(decision, epoch, 0), from, standby)));
                }
                TimeUnit.MILLISECONDS.sleep(opts.duration("settle").toMillis()); // writes flow both sides of the switch
                long s0 = System.nanoTime();
                failedSteps += retry(() -> handler.handle(new DataDrainCommand(
                        id(), "stress", Instant.now(), 1, step(decision, epoch, 1), from, standby)));
                failedSteps += retry(() -> handler.handle(new DataPromoteCommand(
                        id(), "stress", Instant.now(), 1, step(decision, epoch, 2), standby, FailoverMode.GRACEFUL)));
                long took = System.nanoTime() - s0;
                switchovers.add(took / 1_000_000);
                writers.forEach(w -> w.pointAt(standby));
                Check check = check(writers, servers.get(standby));
                lost += check.lost;
                stale += check.stale;
                phantom += check.phantom;
                System.out.printf(
                        "cycle %d: %s -> %s in %d ms; on %s: %d lost, %d stale, %d phantom; %d commits so far%n",
                        cycle,
                        from,
                        standby,
                        took / 1_000_000,
                        standby,
                        check.lost,
                        check.stale,
                        check.phantom,
                        writers.stream().mapToLong(w -> w.commits.size()).sum());
                primary = standby;
            }
            for (Writer w : writers) {
                w.close();
            }
            String standby = primary.equals(A) ? B : A;
            long last = opts.integer("cycles") + 1L;
            String p = primary;
            failedSteps += retry(() -> handler.handle(new DataReprotectCommand(
                    id(), "stress", Instant.now(), 1, step("d-" + last, last, 0), p, standby)));
            failedSteps += retry(() -> handler.handle(
                    new DataDrainCommand(id(), "stress", Instant.now(), 1, step("d-" + last, last, 1), p, standby)));
            List<String> onPrimary = contents(servers.get(primary));
            List<String> onStandby = contents(servers.get(standby));
            Set<String> differ = new HashSet<>(onPrimary);
            differ.removeAll(onStandby);
            Set<String> extra = new HashSet<>(onStandby);
            extra.removeAll(onPrimary);
            List<Long> sorted = switchovers.stream().sorted().toList();
            long commits = writers.stream().mapToLong(w -> w.commits.size()).sum();
            long inDoubt = writers.stream().mapToLong(w -> w.inDoubt.size()).sum();
            System.out.printf(
                    "%nSTRESS: %d switchovers under %d busy processes, %d writers x %d tx/s asynchronous commit;"
                            + " %d transactions confirmed, %d in doubt; lost %d, stale %d, phantom %d; rows that differ"
                            + " between the two databases at the end %d; steps that needed a retry %d;"
                            + " switchover (drain + promote) min %d ms, p50 %d ms, p90 %d ms, max %d ms%n",
                    switchovers.size(),
                    opts.integer("burners"),
                    opts.integer("writers"),
                    opts.integer("rate"),
                    commits,
                    inDoubt,
                    lost,
                    stale,
                    phantom,
                    differ.size() + extra.size(),
                    failedSteps,
                    sorted.get(0),
                    sorted.get(sorted.size() / 2),
                    sorted.get(Math.min(sorted.size() - 1, sorted.size() * 9 / 10)),
                    sorted.get(sorted.size() - 1));
            return lost + stale + phantom + differ.size() + extra.size();
        }
    }

    @FunctionalInterface
    private interface Step {
        CommandAck run();
    }

    /** Runs a step until it succeeds, as the engine would retry it; returns how many attempts failed. */
    private static int retry(Step step) throws InterruptedException {
        int failed = 0;
        while (true) {
            CommandAck ack = step.run();
            if (ack.outcome() == AckOutcome.SUCCEEDED) {
                return failed;
            }
            if (ack.outcome() != AckOutcome.FAILED_RETRIABLE || ++failed > 20) {
                throw new IllegalStateException(
                        ack.action() + " " + ack.outcome() + " " + ack.errorCode() + ": " + ack.detail());
            }
            System.out.printf("  %s %s (%s), retrying%n", ack.action(), ack.errorCode(), ack.detail());
            TimeUnit.MILLISECONDS.sleep(500);
        }
    }

    private record Check(int lost, int stale, int phantom) {}

    /** With the writers paused between transactions: what the new primary shows against what was confirmed. */
    private static Check check(List<Writer> writers, EmbeddedPostgres primary) throws SQLException {
        writers.forEach(w -> w.lock.lock());
        try {
            Set<Long> inserted = new HashSet<>();
            Set<Long> deleted = new HashSet<>();
            Set<Long> doubt = new HashSet<>();
            for (Writer w : writers) {
                for (Commit c : w.commits) {
                    inserted.add(c.orderId);
                    if (c.deletedId >= 0) {
                        deleted.add(c.deletedId);
                    }
                }
                for (Commit c : w.inDoubt) {
                    doubt.add(c.orderId);
                    doubt.add(c.deletedId);
                }
            }
            Set<Long> present = new HashSet<>();
            try (Connection c = admin(primary);
                    Statement s = c.createStatement();
                    ResultSet rs = s.executeQuery("SELECT id FROM orders")) {
                while (rs.next()) {
                    present.add(rs.getLong(1));
                }
            }
            int lost = 0;
            int stale = 0;
            int phantom = 0;
            for (long id : inserted) {
                if (!deleted.contains(id) && !present.contains(id) && !doubt.contains(id)) {
                    lost++;
                }
                if (deleted.contains(id) && present.contains(id)) {
                    stale++;
                }
            }
            for (long id : present) {
                if (!inserted.contains(id) && !doubt.contains(id)) {
                    phantom++;
                }
            }
            return new Check(lost, stale, phantom);
        } finally {
            writers.forEach(w -> w.lock.unlock());
        }
    }

    private static List<String> contents(EmbeddedPostgres pg) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = admin(pg);
                Statement s = c.createStatement()) {
            for (String table : List.of("orders", "account")) {
                try (ResultSet rs =
                        s.executeQuery("SELECT '" + table + ":' || x::text FROM " + table + " x ORDER BY id")) {
                    while (rs.next()) {
                        rows.add(rs.getString(1));
                    }
                }
            }
        }
        return rows;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }

    private static StepRef step(String decision, long epoch, int index) {
        return new StepRef(decision, epoch, index, 1, Instant.now().plusSeconds(60));
    }

    private static EmbeddedPostgres start() throws Exception {
        return EmbeddedPostgres.builder()
                .setServerConfig("wal_level", "logical")
                .setServerConfig("max_replication_slots", "8")
                .setServerConfig("max_wal_senders", "8")
                .setServerConfig("wal_writer_delay", "10000ms")
                .start();
    }

    private record Commit(long orderId, long deletedId) {}

    /** One application session: an order, its account, every 5th transaction also deletes an earlier order. */
    private static final class Writer implements AutoCloseable {
        private final Map<String, String> urls;
        private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor();
        private final ReentrantLock lock = new ReentrantLock();
        private long next;
        private volatile String target;
        private Connection connection;
        private String connectedTo;
        final List<Commit> commits = new java.util.concurrent.CopyOnWriteArrayList<>();
        final Set<Commit> inDoubt = ConcurrentHashMap.newKeySet();

        Writer(Map<String, String> urls, String target, long firstId, int rate) {
            this.urls = urls;
            this.target = target;
            this.next = firstId;
            timer.scheduleAtFixedRate(this::tick, 0, 1_000_000 / rate, TimeUnit.MICROSECONDS);
        }

        void pointAt(String region) {
            target = region;
        }

        private void tick() {
            lock.lock();
            try {
                transaction();
            } finally {
                lock.unlock();
            }
        }

        private void transaction() {
            long id = next++;
            long deleted = id % 5 == 0 ? id - 3 : -1;
            boolean committing = false;
            try {
                if (connection == null || !target.equals(connectedTo)) {
                    closeConnection();
                    connectedTo = target;
                    connection = DriverManager.getConnection(urls.get(connectedTo), "app", "app");
                    connection.setAutoCommit(false);
                }
                try (PreparedStatement order =
                                connection.prepareStatement("INSERT INTO orders VALUES (?, ?, ?, now())");
                        PreparedStatement account = connection.prepareStatement(
                                "UPDATE account SET last_order = ?, updated_at = now() WHERE id = ?")) {
                    order.setLong(1, id);
                    order.setInt(2, (int) (id % 100) + 1);
                    order.setBigDecimal(3, java.math.BigDecimal.valueOf(id % 100_000, 2));
                    order.executeUpdate();
                    account.setLong(1, id);
                    account.setInt(2, (int) (id % 100) + 1);
                    account.executeUpdate();
                }
                if (deleted >= 0) {
                    try (PreparedStatement delete = connection.prepareStatement("DELETE FROM orders WHERE id = ?")) {
                        delete.setLong(1, deleted);
                        if (delete.executeUpdate() == 0) {
                            deleted = -1; // that order was refused earlier, so it never existed
                        }
                    }
                }
                committing = true;
                connection.commit();
                commits.add(new Commit(id, deleted));
            } catch (SQLException e) {
                if (committing) {
                    inDoubt.add(new Commit(id, deleted));
                }
                closeConnection(); // fenced or ended by the fence: reconnect on the next tick
            }
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

        @Override
        public void close() throws InterruptedException {
            timer.shutdown();
            timer.awaitTermination(10, TimeUnit.SECONDS);
            lock.lock();
            try {
                closeConnection();
            } finally {
                lock.unlock();
            }
        }
    }
}
