package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * RPO 0 of a planned switchover, made to fail by construction rather than by luck: the application
 * commits asynchronously ({@code synchronous_commit=off}, legal at any level) on servers whose WAL
 * writer waits 10 s, so confirmed commits sit beyond the WAL write position when the promote begins;
 * several sessions commit while the fence goes up; the actuator restarts between fence and ack; the
 * old primary blips during a graceful promote. Two real PostgreSQL servers, real Debezium.
 */
class PostgresRpoZeroIT {

    /** The WAL writer's longest delay: asynchronous commits stay in WAL buffers for up to this long. */
    static final Map<String, String> LAZY_WAL = Map.of("wal_writer_delay", "10000ms");

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;
    final List<OrderWriter> writers = new ArrayList<>();

    @AfterEach
    void stop() throws Exception {
        for (OrderWriter w : writers) {
            w.close();
        }
        if (replication != null) {
            replication.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    void startRegions() throws Exception {
        regions = new TwoPostgresRegions(LAZY_WAL);
        for (String region : List.of(A, B)) {
            try (Connection c = regions.admin(region);
                    Statement s = c.createStatement()) {
                s.execute("ALTER ROLE app SET synchronous_commit = off");
            }
        }
        replication = startReplication();
    }

    PostgresDebeziumReplication startReplication() {
        PostgresDebeziumReplication r = new PostgresDebeziumReplication(List.of(regions.application()));
        r.start();
        await().atMost(Duration.ofSeconds(60)).until(r::ready);
        return r;
    }

    OrderWriter writer(String region, long firstId) {
        return writer(region, firstId, 2);
    }

    OrderWriter writer(String region, long firstId, long periodMillis) {
        OrderWriter w = new OrderWriter(regions, region, firstId).start(periodMillis);
        writers.add(w);
        return w;
    }

    static StepRef step(long epoch, int index) {
        return new StepRef("decision-" + epoch, epoch, index, 1, Instant.now().plusSeconds(40));
    }

    static CommandAck drain(HanaSyncCommandHandler h, long epoch, String from, String to) {
        return h.handle(
                new DataDrainCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(epoch, 0), from, to));
    }

    static CommandAck promote(HanaSyncCommandHandler h, long epoch, String region, FailoverMode mode) {
        return h.handle(new DataPromoteCommand(
                UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(epoch, 1), region, mode));
    }

    /**
     * A graceful promote tried again as the engine would while it fails retriably: on a starved machine
     * the drain may not finish in one step's time (the old primary is then re-opened), never anything worse.
     */
    static CommandAck promoteRetried(HanaSyncCommandHandler h, long epoch, String region) {
        return PostgresSwitchoverIT.retried(() -> promote(h, epoch, region, FailoverMode.GRACEFUL));
    }

    /** Orders the writers committed (and did not delete) on {@code region} that {@code on} lacks. */
    Set<Long> lost(String region, String on) throws SQLException {
        Set<Long> expected = new HashSet<>();
        for (OrderWriter w : writers) {
            w.commits.stream().filter(c -> c.region().equals(region)).forEach(c -> expected.add(c.orderId()));
        }
        for (OrderWriter w : writers) {
            w.commits.forEach(c -> expected.remove(c.deletedOrderId()));
        }
        expected.removeAll(regions.orderIds(on));
        return expected;
    }

    static long writable(TwoPostgresRegions regions, String region) throws SQLException {
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery("SELECT count(*) FROM information_schema.role_table_grants "
                        + "WHERE grantee = 'app' AND privilege_type = 'INSERT'")) {
            rs.next();
            return rs.getLong(1);
        }
    }

    @Test
    void aSwitchoverWhileSessionsCommitAsynchronouslyAndRaceTheFenceLosesNoConfirmedCommit() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        OrderWriter first = writer(A, 1, 4);
        writer(A, 10_000_000, 4);
        writer(A, 20_000_000, 4);
        await().atMost(Duration.ofSeconds(60)).until(() -> first.committedOn(A) >= 1000);

        CommandAck drained = drain(handler, 1, A, B);
        CommandAck promoted = promoteRetried(handler, 1, B);
        writers.forEach(w -> w.pointAt(B));

        assertThat(drained.outcome()).as(drained.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoted.observed())
                .containsEntry("oldPrimaryFenced", "true")
                .containsEntry("dataLeftBehindWalBytes", "0");
        assertThat(promoted.detail())
                .as("what the audit shows")
                .contains("GRACEFUL")
                .contains("old primary fenced, dataLeftBehindWalBytes=0");
        assertThat(lost(A, B))
                .as("orders confirmed on A before the switch that B lacks")
                .isEmpty();
    }

    @Test
    void theFenceReturnsOnlyOnceTheApplicationsSessionsAreGone() throws Exception {
        regions = new TwoPostgresRegions(LAZY_WAL);
        PostgresApplication app = regions.application();
        try (Connection a = regions.admin(A);
                Statement s = a.createStatement()) {
            s.execute("GRANT INSERT ON orders TO app");
        }
        List<Connection> sessions = new ArrayList<>();
        for (int i = 0; i < 8; i++) {
            Connection c = regions.app(A);
            c.setAutoCommit(false);
            try (Statement s = c.createStatement()) {
                s.executeUpdate("INSERT INTO orders VALUES (" + (i + 1) + ", 1, 1, 'open', now(), NULL)");
            }
            sessions.add(c); // each holds an open transaction
        }
        try (Connection a = app.region(A).connect()) {
            ReplicationSchema.revokeWrites(a, app.appRole(), app.tables(), System.nanoTime() + 10_000_000_000L);
            try (Statement s = a.createStatement();
                    ResultSet rs = s.executeQuery("SELECT count(*) FROM pg_stat_activity WHERE usename = 'app'")) {
                rs.next();
                assertThat(rs.getLong(1))
                        .as("sessions of the application still there when the fence returned")
                        .isZero();
            }
        }
        for (Connection c : sessions) {
            assertThat(org.assertj.core.api.Assertions.catchThrowable(c::commit))
                    .as("a commit after the fence")
                    .isInstanceOf(SQLException.class);
            c.close();
        }
        assertThat(regions.orderIds(A)).isEmpty();
    }

    @Test
    void aDrainIsOverOnlyWhenItsOwnMarkerIsApplied() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        OrderWriter w = writer(A, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 300);
        assertThat(drain(handler, 1, A, B).outcome()).isEqualTo(AckOutcome.SUCCEEDED); // B has a marker row now
        try (Connection b = regions.admin(B)) {
            b.setAutoCommit(false);
            try (Statement s = b.createStatement()) {
                // B's marker row is locked: the applier cannot apply the next marker, while changes before it flow
                s.execute("SELECT * FROM mrm.drain_marker FOR UPDATE");
            }
            CommandAck blocked = handler.handle(new DataDrainCommand(
                    UUID.randomUUID().toString(),
                    "shop",
                    Instant.now(),
                    1,
                    new StepRef("decision-1", 1, 0, 2, Instant.now().plusSeconds(4)),
                    A,
                    B));
            assertThat(blocked.outcome()).as(blocked.toString()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(blocked.errorCode()).isEqualTo("DRAIN_TIMEOUT");
            assertThat(Long.parseLong(blocked.observed().get("remaining"))).isPositive();
            b.rollback();
        }
        assertThat(drain(handler, 1, A, B).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    @Test
    void aGracefulPromoteWhoseDrainTimesOutGivesTheOldPrimaryBackAndPromotesNothing() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        OrderWriter w = writer(A, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 300);
        assertThat(drain(handler, 1, A, B).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        CommandAck timedOut;
        try (Connection b = regions.admin(B)) {
            b.setAutoCommit(false);
            try (Statement s = b.createStatement()) {
                s.execute("SELECT * FROM mrm.drain_marker FOR UPDATE"); // the promote's drain cannot finish
            }
            timedOut = handler.handle(new DataPromoteCommand(
                    UUID.randomUUID().toString(),
                    "shop",
                    Instant.now(),
                    1,
                    new StepRef("decision-1", 1, 1, 1, Instant.now().plusSeconds(5)),
                    B,
                    FailoverMode.GRACEFUL));
            b.rollback();
        }
        assertThat(timedOut.outcome()).as(timedOut.toString()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(timedOut.errorCode()).isEqualTo("DRAIN_TIMEOUT");
        assertThat(timedOut.detail()).contains("open to the application again");
        assertThat(writable(regions, A)).as("A writable again").isPositive();
        assertThat(writable(regions, B)).as("B not opened").isZero();
        long before = w.committedOn(A);
        await().atMost(Duration.ofSeconds(120)).until(() -> w.committedOn(A) > before + 100);

        CommandAck retried = promoteRetried(handler, 1, B);
        writers.forEach(x -> x.pointAt(B));
        assertThat(retried.outcome()).as(retried.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(writable(regions, A)).isZero();
        assertThat(lost(A, B)).isEmpty();
    }

    @Test
    void aGracefulPromoteRetriedAfterAnAttemptThatFencedAndCrashedStillGivesTheOldPrimaryBackWhenItCannotDrain()
            throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        OrderWriter w = writer(A, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 300);
        assertThat(drain(handler, 1, A, B).outcome()).isEqualTo(AckOutcome.SUCCEEDED); // the marker row exists
        // the first attempt fenced A under the plan's epoch, then its actuator died before it could drain
        try (Connection a = regions.admin(A);
                Statement s = a.createStatement()) {
            s.execute("UPDATE mrm.fencing SET epoch = 1, role = 'FENCED' WHERE application_id = 'shop'");
            s.execute("REVOKE INSERT, UPDATE, DELETE, TRUNCATE ON account, orders, audit FROM app");
        }
        assertThat(writable(regions, A)).isZero();
        CommandAck timedOut;
        try (Connection b = regions.admin(B)) {
            b.setAutoCommit(false);
            try (Statement s = b.createStatement()) {
                s.execute("SELECT * FROM mrm.drain_marker FOR UPDATE"); // the retry's drain cannot finish either
            }
            timedOut = handler.handle(new DataPromoteCommand(
                    UUID.randomUUID().toString(),
                    "shop",
                    Instant.now(),
                    1,
                    new StepRef("decision-1", 1, 1, 2, Instant.now().plusSeconds(5)),
                    B,
                    FailoverMode.GRACEFUL));
            b.rollback();
        }
        assertThat(timedOut.errorCode()).as(timedOut.toString()).isEqualTo("DRAIN_TIMEOUT");
        // without knowing who fenced it, A stayed closed and B unopened: nobody could write
        assertThat(timedOut.detail()).contains("open to the application again");
        assertThat(writable(regions, A)).as("A writable again").isPositive();
        assertThat(writable(regions, B)).as("B not opened").isZero();
    }

    @Test
    void aForcedPromoteFencesAndDrainsTheOldPrimaryWhenItAnswers() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        OrderWriter w = writer(A, 1, 4);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 500);

        // an automatic failover (forced) while only the application tier failed: the database answers
        CommandAck promoted = promote(handler, 1, B, FailoverMode.FORCED);
        w.pointAt(B);

        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoted.observed())
                .containsEntry("oldPrimaryFenced", "true")
                .containsKey("dataLeftBehindWalBytes");
        assertThat(promoted.detail()).contains("FORCED").contains("old primary fenced");
        if ("0".equals(promoted.observed().get("dataLeftBehindWalBytes"))) {
            assertThat(lost(A, B))
                    .as("drained: nothing confirmed on A is missing on B")
                    .isEmpty();
        }
        assertThat(writable(regions, A)).isZero();
    }

    @Test
    void aPromoteOfARegionThatStillSaysPrimaryDoesNotOpenItBesideANewerPrimary() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        // B was the primary at epoch 1 and was never fenced (it did not answer a forced failback), and A has
        // been the primary since epoch 2: both rows say PRIMARY
        try (Connection a = regions.admin(A);
                Connection b = regions.admin(B)) {
            assertThat(ReplicationSchema.fence(b, "shop", 1, ReplicationSchema.Role.PRIMARY))
                    .isTrue();
            assertThat(ReplicationSchema.fence(a, "shop", 2, ReplicationSchema.Role.PRIMARY))
                    .isTrue();
        }
        OrderWriter w = writer(A, 1, 4);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 200);

        CommandAck promoted = promoteRetried(handler, 3, B);
        w.pointAt(B);

        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoted.observed()).containsEntry("oldPrimaryFenced", "true");
        assertThat(writable(regions, A))
                .as("A, the newer primary, fenced before B opened")
                .isZero();
        assertThat(lost(A, B)).isEmpty();
    }

    @Test
    void aPromoteRetriedAfterTheActuatorRestartedBetweenFenceAndAckDrainsBeforeItDropsTheSlot() throws Exception {
        startRegions();
        OrderWriter w = writer(A, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 300);
        // the actuator stops (its capture with it) while the application goes on writing to A
        replication.close();
        long stoppedAt = w.committedOn(A);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= stoppedAt + 500);
        // attempt 1 of the promote got as far as fencing A, then the actuator died before its ack
        PostgresApplication app = regions.application();
        try (Connection a = app.region(A).connect()) {
            assertThat(ReplicationSchema.fence(a, "shop", 1, ReplicationSchema.Role.FENCED))
                    .isTrue();
            ReplicationSchema.revokeWrites(a, app.appRole(), app.tables());
        }
        await().atMost(Duration.ofSeconds(120)).until(() -> w.refused.containsKey(A));
        w.pointAt(B);

        // the restarted actuator gets the re-delivered promote
        replication = startReplicationWithoutWaiting();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck promoted = promoteRetried(handler, 1, B);
        assertThat(promoted.outcome()).as(promoted.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(lost(A, B))
                .as("orders confirmed on A that B lacks after the retried promote")
                .isEmpty();
    }

    /** After a restart with A fenced and B a replica there is no primary, so no capture to wait for. */
    PostgresDebeziumReplication startReplicationWithoutWaiting() {
        PostgresDebeziumReplication r = new PostgresDebeziumReplication(List.of(regions.application()));
        r.start();
        return r;
    }

    @Test
    void aGracefulPromoteDoesNotProceedWhileTheOldPrimaryIsUnreachable() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        OrderWriter w = writer(A, 1);
        await().atMost(Duration.ofSeconds(60)).until(() -> w.committedOn(A) >= 200);
        w.close();
        writers.remove(w);
        regions.stop(A); // a blip of a few seconds

        CommandAck during = promote(handler, 1, B, FailoverMode.GRACEFUL);
        assertThat(during.outcome()).as(during.toString()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(writable(regions, B))
                .as("B opened beside an A that was never fenced")
                .isZero();

        regions.start(A);
        assertThat(writable(regions, A))
                .as("A is still the only writable database")
                .isPositive();
        CommandAck after = promoteRetried(handler, 1, B);
        assertThat(after.outcome()).as(after.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(after.observed()).containsEntry("oldPrimaryFenced", "true");
        assertThat(writable(regions, A)).isZero();
        writers.add(new OrderWriter(regions, A, 1)); // so lost() sees the closed writer's commits
        writers.get(0).commits.addAll(w.commits);
        assertThat(lost(A, B)).isEmpty();
    }

    @Test
    void aPromoteNamingAnUnknownRegionIsRefusedBeforeItTouchesADatabase() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck refused = promote(handler, 1, "region-x", FailoverMode.GRACEFUL);
        assertThat(refused.outcome()).as(refused.toString()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(refused.errorCode()).isEqualTo("UNKNOWN_REGION");
        assertThat(writable(regions, A)).as("A, the primary, is still writable").isPositive();
        try (Connection a = regions.admin(A);
                Connection b = regions.admin(B)) {
            assertThat(ReplicationSchema.fencing(a, "shop"))
                    .contains(new ReplicationSchema.Fencing(0, ReplicationSchema.Role.PRIMARY));
            assertThat(ReplicationSchema.fencing(b, "shop"))
                    .contains(new ReplicationSchema.Fencing(0, ReplicationSchema.Role.REPLICA));
        }
    }

    @Test
    void aReprotectDuringABlipOfTheNewPrimaryIsRetriable() throws Exception {
        startRegions();
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        assertThat(promoteRetried(handler, 1, B).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        regions.stop(B);
        CommandAck during = handler.handle(
                new DataReprotectCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(2, 0), B, A));
        assertThat(during.outcome()).as(during.toString()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        regions.start(B);
        CommandAck after = handler.handle(
                new DataReprotectCommand(UUID.randomUUID().toString(), "shop", Instant.now(), 1, step(2, 0), B, A));
        assertThat(after.outcome()).as(after.toString()).isEqualTo(AckOutcome.SUCCEEDED);
    }
}
