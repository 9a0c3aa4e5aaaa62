package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.hana.domain.DataReadinessChecker;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.kafka.SecretReference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * A drill's data steps against two real PostgreSQL servers replicating A→B (one pair for the class): a
 * rehearsal runs the readiness checks of its step ({@link PostgresReadiness}) and says what it would have
 * done, and both databases are read back afterwards: rows, the fencing and drain-marker tables, the slots,
 * roles and grants are as they were. The tests that send a real command come last.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresRehearsalIT {

    /** Bounds for a saturated machine, not expectations. */
    static final Duration BOUND = Duration.ofSeconds(30);

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;
    final Clock clock = Clock.systemUTC();

    @BeforeAll
    void replicatingPair() throws Exception {
        regions = new TwoPostgresRegions();
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(120)).until(replication::ready);
        // ready once the capture started; the slot shows active once its walsender streams
        await().atMost(Duration.ofSeconds(60)).until(() -> !rows(A, """
                SELECT slot_name FROM pg_replication_slots WHERE slot_name = 'mrm_shop_to_region_b' AND active""").isEmpty());
    }

    @AfterAll
    void stop() throws Exception {
        if (replication != null) {
            replication.close();
        }
        if (regions != null) {
            regions.close();
        }
    }

    HanaSyncCommandHandler handler(PostgresApplication checked) {
        DataReadinessChecker checker = new DataReadinessChecker(new PostgresReadiness(List.of(checked)), clock, BOUND);
        return new HanaSyncCommandHandler(
                replication,
                clock,
                new Rehearsal(checker, clock, Duration.ofSeconds(60), HanaSyncCommandHandler.ACK_MARGIN));
    }

    StepRef step(long epoch, boolean rehearsal) {
        return new StepRef("d-" + epoch, epoch, 1, 1, Instant.now().plusSeconds(120), rehearsal);
    }

    DataDrainCommand drain(String id, long epoch, boolean rehearsal) {
        return new DataDrainCommand(id, "shop", Instant.now(), 1, step(epoch, rehearsal), A, B, 1_000_000_000L);
    }

    DataPromoteCommand promote(String id, long epoch) {
        return new DataPromoteCommand(id, "shop", Instant.now(), 1, step(epoch, true), B);
    }

    @Test
    @Order(1)
    void aRehearsalOfEachDataStepSaysWhatItWouldDoAndChangesNothing() throws Exception {
        HanaSyncCommandHandler handler = handler(regions.application());
        Map<String, List<String>> before = snapshot();

        CommandAck drained = handler.handle(drain("drill-drain", 9, true));
        CommandAck promoted = handler.handle(promote("drill-promote", 9));
        CommandAck fenced =
                handler.handle(new DataFenceCommand("drill-fence", "shop", Instant.now(), 1, step(9, true), A));
        CommandAck reprotected = handler.handle(
                new DataReprotectCommand("drill-reprotect", "shop", Instant.now(), 1, step(9, true), B, A));

        for (CommandAck ack : List.of(drained, promoted, fenced, reprotected)) {
            assertThat(ack.outcome()).as(ack.action() + ": " + ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(ack.observed())
                    .containsEntry("rehearsal", "true")
                    .containsEntry("changed", "false")
                    .containsEntry("checkedRegion", B);
            assertThat(ack.fenceEpoch())
                    .as("a rehearsal does not move the fence")
                    .isZero();
        }
        assertThat(drained.detail())
                .startsWith("would drain region-a->region-b (backlog ")
                .contains("within the drain bound of 1000000000 bytes");
        assertThat(promoted.detail())
                .startsWith("would promote region-b under epoch 9, fencing region-a first (backlog ");
        assertThat(promoted.observed()).containsKeys("ms.privileges", "ms.fencing-table");
        assertThat(fenced.detail()).startsWith("would fence region-a under epoch 9");
        assertThat(reprotected.detail()).startsWith("would re-protect: replicate region-b -> region-a");
        assertThat(snapshot()).isEqualTo(before);
        assertThat(replication.status("shop").primaryRegion()).isEqualTo(A);
    }

    @Test
    @Order(2)
    void aMissingFencingTableMakesThePromoteRehearsalFatalWithTheChecksReason() throws Exception {
        try (Connection c = regions.admin(B);
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE mrm.fencing RENAME TO fencing_aside");
        }
        try {
            CommandAck ack = handler(regions.application()).handle(promote("drill-promote-broken", 3));

            assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
            assertThat(ack.errorCode()).isEqualTo(Rehearsal.NOT_READY);
            assertThat(ack.detail()).contains("mrm.fencing does not exist in region-b");
        } finally {
            try (Connection c = regions.admin(B);
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE mrm.fencing_aside RENAME TO fencing");
            }
        }
    }

    @Test
    @Order(3)
    void aDatabaseThatNeverAnswersMakesThePromoteRehearsalRetriable() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (PostgresFenceIT.SilentServer silent = new PostgresFenceIT.SilentServer(port)) {
            SecretReference password =
                    SecretReference.env("MRM_TEST_PG_PASSWORD", Map.of("MRM_TEST_PG_PASSWORD", "unused"));
            PostgresApplication bSilent = new PostgresApplication(
                    "shop",
                    A,
                    Map.of(
                            A, new PostgresRegion(A, regions.url(A), "postgres", password),
                            B,
                                    new PostgresRegion(
                                            B,
                                            "jdbc:postgresql://localhost:" + port + "/postgres",
                                            "postgres",
                                            password)),
                    TwoPostgresRegions.TABLES,
                    "app");

            CommandAck ack = handler(bSilent).handle(promote("drill-promote-silent", 3));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(ack.errorCode()).isEqualTo(Rehearsal.UNKNOWN);
            assertThat(ack.detail()).contains("did not answer in time");
        }
    }

    @Test
    @Order(4)
    void aRehearsalRecordsNoEpochSoALowerRealCommandStillRuns() {
        HanaSyncCommandHandler handler = handler(regions.application());
        assertThat(handler.handle(promote("drill-promote-9", 9)).outcome()).isEqualTo(AckOutcome.SUCCEEDED);

        CommandAck real = handler.handle(drain("real-drain-8", 8, false));

        assertThat(real.outcome()).as(real.detail()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    @Test
    @Order(5)
    void aRehearsalBelowAnEpochSeenIsStale() {
        HanaSyncCommandHandler handler = handler(regions.application());
        assertThat(handler.handle(drain("real-drain-8b", 8, false)).outcome()).isEqualTo(AckOutcome.SUCCEEDED);

        CommandAck ack = handler.handle(promote("drill-promote-7", 7));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(ack.fenceEpoch()).isEqualTo(8);
    }

    /**
     * What a rehearsal must not change, in both regions: rows, hana-sync's tables, the slots (which exist,
     * and whether read; their positions move with the running capture), roles and grants.
     */
    Map<String, List<String>> snapshot() throws SQLException {
        Map<String, List<String>> state = new TreeMap<>();
        for (String region : List.of(A, B)) {
            state.put(region, rows(region, """
                    SELECT 'rows ' || (SELECT count(*) FROM account) || ' ' || (SELECT count(*) FROM orders)
                        || ' ' || (SELECT count(*) FROM audit)
                    UNION ALL SELECT 'fencing ' || f::text FROM mrm.fencing f
                    UNION ALL SELECT 'marker ' || m::text FROM mrm.drain_marker m
                    UNION ALL SELECT 'slot ' || slot_name || ' ' || active FROM pg_replication_slots
                    UNION ALL SELECT 'role ' || rolname || ' ' || rolsuper || ' ' || rolreplication || ' ' || rolcanlogin
                        FROM pg_roles
                    UNION ALL SELECT 'acl ' || relname || ' ' || COALESCE(relacl::text, '-') FROM pg_class
                        WHERE relname IN ('account', 'orders', 'audit', 'fencing')
                    ORDER BY 1"""));
        }
        return state;
    }

    List<String> rows(String region, String sql) throws SQLException {
        List<String> rows = new ArrayList<>();
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                ResultSet rs = s.executeQuery(sql)) {
            while (rs.next()) {
                rows.add(rs.getString(1));
            }
        }
        return rows;
    }
}
