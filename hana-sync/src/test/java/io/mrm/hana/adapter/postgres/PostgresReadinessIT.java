package io.mrm.hana.adapter.postgres;

import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.A;
import static io.mrm.hana.adapter.postgres.TwoPostgresRegions.B;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.hana.domain.DataReadinessChecker;
import io.mrm.kafka.SecretReference;
import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

/**
 * The PostgreSQL readiness checks against two real PostgreSQL servers replicating A→B (one pair for the
 * class, each test puts back what it broke; the last one drops the slot for good): READY on a healthy pair;
 * NOT_READY when a privilege promote needs is revoked, when the fencing table is missing, when no capture
 * reads the slot and when the slot is gone; and a check changes nothing (rows, slot positions, roles, grants).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class PostgresReadinessIT {

    static final Duration BOUND = Duration.ofSeconds(30);

    TwoPostgresRegions regions;
    PostgresDebeziumReplication replication;

    @BeforeAll
    void replicatingPair() throws Exception {
        regions = new TwoPostgresRegions();
        startCapture();
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

    void startCapture() {
        replication = new PostgresDebeziumReplication(List.of(regions.application()));
        replication.start();
        await().atMost(Duration.ofSeconds(120)).until(replication::ready);
        // ready once the capture started; the slot shows active once its walsender streams
        await().atMost(Duration.ofSeconds(60)).until(() -> slotActive(A, "mrm_shop_to_region_b"));
    }

    void stopCapture() {
        replication.close();
        replication = null;
        await().atMost(Duration.ofSeconds(60)).until(() -> !slotActive(A, "mrm_shop_to_region_b"));
    }

    List<ReadinessCheck> check(PostgresApplication app) {
        return new DataReadinessChecker(new PostgresReadiness(List.of(app)), Clock.systemUTC(), BOUND).check("shop");
    }

    static ReadinessCheck find(List<ReadinessCheck> checks, String region, StepAction action, String name) {
        return checks.stream()
                .filter(c -> c.region().equals(region)
                        && c.action() == action
                        && c.check().equals(name))
                .findFirst()
                .orElseThrow(
                        () -> new AssertionError("no check " + region + "/" + action + "/" + name + " in " + checks));
    }

    @Test
    @Order(0)
    void aDatabaseThatNeverAnswersIsUnknownWhereItIsReadAndTheOtherRegionStillReports() throws Exception {
        int port;
        try (java.net.ServerSocket free = new java.net.ServerSocket(0)) {
            port = free.getLocalPort();
        }
        try (PostgresFenceIT.SilentServer silent = new PostgresFenceIT.SilentServer(port)) {
            PostgresApplication bSilent = withRegionB("jdbc:postgresql://localhost:" + port + "/postgres", "postgres");

            List<ReadinessCheck> checks = check(bSilent);

            ReadinessCheck promoteB = find(checks, B, StepAction.DATA_PROMOTE, "connection");
            assertThat(promoteB.status()).as(promoteB.reason()).isEqualTo(ReadinessStatus.UNKNOWN);
            assertThat(promoteB.reason()).contains("did not answer in time");
            assertThat(find(checks, A, StepAction.DATA_FENCE, "connection").status())
                    .isEqualTo(ReadinessStatus.UNKNOWN);
            // what reads A alone still reports, within the bound
            assertThat(find(checks, A, StepAction.DATA_PROMOTE, "privileges").status())
                    .isEqualTo(ReadinessStatus.READY);
            assertThat(find(checks, B, StepAction.DATA_FENCE, "privileges").status())
                    .isEqualTo(ReadinessStatus.READY);
            assertThat(silent.accepted()).isPositive();
        }
    }

    @Test
    @Order(1)
    void aHealthyReplicatingPairIsReadyTowardsBothRegions() {
        List<ReadinessCheck> checks = check(regions.application());

        assertThat(checks)
                .allSatisfy(c -> assertThat(c.status())
                        .as(c.region() + "/" + c.action() + "/" + c.check() + ": " + c.reason())
                        .isEqualTo(ReadinessStatus.READY));
        for (String region : List.of(A, B)) {
            assertThat(checks)
                    .filteredOn(c -> c.region().equals(region))
                    .extracting(ReadinessCheck::action)
                    .contains(
                            StepAction.DATA_DRAIN,
                            StepAction.DATA_PROMOTE,
                            StepAction.DATA_FENCE,
                            StepAction.DATA_REPROTECT);
        }
        assertThat(find(checks, B, StepAction.DATA_DRAIN, "replication").reason())
                .contains("slot mrm_shop_to_region_b on region-a is read by a capture");
        assertThat(find(checks, B, StepAction.DATA_DRAIN, "backlog").reason()).contains("WAL bytes");
        assertThat(find(checks, B, StepAction.DATA_PROMOTE, "fencing-table").reason())
                .contains("REPLICA at epoch 0");
        assertThat(find(checks, A, StepAction.DATA_DRAIN, "replication").reason())
                .contains("region-a is already the primary");
    }

    @Test
    @Order(2)
    void aUserThatMayNotWriteTheFencingRowIsNotReadyToPromote() throws Exception {
        // a user as production has it: not a superuser; REPLICATION, the owner's role, mrm's tables
        try (Connection c = regions.admin(B);
                Statement s = c.createStatement()) {
            s.execute("CREATE ROLE app_owner NOLOGIN");
            s.execute("ALTER TABLE account OWNER TO app_owner");
            s.execute("ALTER TABLE orders OWNER TO app_owner");
            s.execute("ALTER TABLE audit OWNER TO app_owner");
            s.execute("CREATE ROLE mrm_sync LOGIN REPLICATION IN ROLE app_owner, pg_signal_backend");
            s.execute("GRANT CREATE ON DATABASE postgres TO mrm_sync");
            s.execute("GRANT USAGE, CREATE ON SCHEMA mrm TO mrm_sync");
            s.execute("GRANT SELECT, INSERT, UPDATE ON mrm.fencing, mrm.drain_marker TO mrm_sync");
            s.execute("GRANT SELECT ON mrm.replication_offset TO mrm_sync");
        }
        PostgresApplication asSync = asUserOnB("mrm_sync");
        ReadinessCheck granted = find(check(asSync), B, StepAction.DATA_PROMOTE, "privileges");
        assertThat(granted.status()).as(granted.reason()).isEqualTo(ReadinessStatus.READY);

        try (Connection c = regions.admin(B);
                Statement s = c.createStatement()) {
            s.execute("REVOKE UPDATE ON mrm.fencing FROM mrm_sync");
        }
        List<ReadinessCheck> checks = check(asSync);

        ReadinessCheck promote = find(checks, B, StepAction.DATA_PROMOTE, "privileges");
        assertThat(promote.status()).as(promote.reason()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(promote.reason()).contains("mrm_sync on region-b lacks").contains("mrm.fencing");
        // the fence of B (a switch towards A) writes the same row
        assertThat(find(checks, A, StepAction.DATA_FENCE, "privileges").status())
                .isEqualTo(ReadinessStatus.NOT_READY);
        // what does not touch B's fencing row is unaffected
        assertThat(find(checks, A, StepAction.DATA_PROMOTE, "privileges").status())
                .isEqualTo(ReadinessStatus.READY);
    }

    @Test
    @Order(3)
    void aMissingFencingTableIsNotReady() throws Exception {
        try (Connection c = regions.admin(B);
                Statement s = c.createStatement()) {
            s.execute("ALTER TABLE mrm.fencing RENAME TO fencing_aside");
        }
        try {
            List<ReadinessCheck> checks = check(regions.application());

            ReadinessCheck promote = find(checks, B, StepAction.DATA_PROMOTE, "fencing-table");
            assertThat(promote.status()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(promote.reason()).contains("mrm.fencing does not exist in region-b");
            assertThat(find(checks, A, StepAction.DATA_FENCE, "fencing-table").status())
                    .isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(find(checks, B, StepAction.DATA_FENCE, "fencing-table").status())
                    .as("A's table is there")
                    .isEqualTo(ReadinessStatus.READY);
        } finally {
            try (Connection c = regions.admin(B);
                    Statement s = c.createStatement()) {
                s.execute("ALTER TABLE mrm.fencing_aside RENAME TO fencing");
            }
        }
    }

    @Test
    @Order(4)
    void aStoppedCaptureIsNotReadyToDrainAndTheChecksChangeNothing() throws Exception {
        stopCapture();
        try {
            Map<String, List<String>> before = snapshot();
            List<ReadinessCheck> checks = check(regions.application());
            Map<String, List<String>> after = snapshot();

            ReadinessCheck drain = find(checks, B, StepAction.DATA_DRAIN, "replication");
            assertThat(drain.status()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(drain.reason()).contains("no capture reads replication slot mrm_shop_to_region_b on region-a");
            assertThat(after).isEqualTo(before);
        } finally {
            startCapture();
        }
    }

    @Test
    @Order(5)
    void aMissingSlotIsNotReadyToDrain() throws Exception {
        stopCapture();
        try (Connection c = regions.admin(A);
                Statement s = c.createStatement()) {
            s.execute("SELECT pg_drop_replication_slot('mrm_shop_to_region_b')");
        }
        List<ReadinessCheck> checks = check(regions.application());

        ReadinessCheck drain = find(checks, B, StepAction.DATA_DRAIN, "replication");
        assertThat(drain.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(drain.reason()).contains("no replication slot mrm_shop_to_region_b on region-a");
    }

    PostgresApplication asUserOnB(String user) {
        return withRegionB(regions.url(B), user);
    }

    PostgresApplication withRegionB(String url, String user) {
        SecretReference password =
                SecretReference.env("MRM_TEST_PG_PASSWORD", Map.of("MRM_TEST_PG_PASSWORD", "unused"));
        return new PostgresApplication(
                "shop",
                A,
                Map.of(
                        A, new PostgresRegion(A, regions.url(A), "postgres", password),
                        B, new PostgresRegion(B, url, user, password)),
                TwoPostgresRegions.TABLES,
                "app");
    }

    boolean slotActive(String region, String slot) throws SQLException {
        try (Connection c = regions.admin(region);
                Statement s = c.createStatement();
                ResultSet rs =
                        s.executeQuery("SELECT active FROM pg_replication_slots WHERE slot_name = '" + slot + "'")) {
            return rs.next() && rs.getBoolean(1);
        }
    }

    /** What a check must not change, in both regions: rows, hana-sync's tables, slots, roles and grants. */
    Map<String, List<String>> snapshot() throws SQLException {
        Map<String, List<String>> state = new java.util.TreeMap<>();
        for (String region : List.of(A, B)) {
            state.put(region, rows(region, """
                    SELECT 'rows ' || (SELECT count(*) FROM account) || ' ' || (SELECT count(*) FROM orders)
                        || ' ' || (SELECT count(*) FROM audit)
                    UNION ALL SELECT 'fencing ' || f::text FROM mrm.fencing f
                    UNION ALL SELECT 'offset ' || pipeline || ' ' || applied_lsn FROM mrm.replication_offset
                    UNION ALL SELECT 'marker ' || m::text FROM mrm.drain_marker m
                    UNION ALL SELECT 'slot ' || slot_name || ' ' || active || ' ' || restart_lsn::text || ' '
                        || COALESCE(confirmed_flush_lsn::text, '-') FROM pg_replication_slots
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
