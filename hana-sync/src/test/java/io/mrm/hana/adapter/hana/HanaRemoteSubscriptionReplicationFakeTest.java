package io.mrm.hana.adapter.hana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.hana.domain.ReplicationStatus;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HANA backend against a JDBC fake of two HANA Cloud databases that models SDI's published behaviour
 * (asynchronous subscription states, partitions in M_CS_TABLES, capture at the source): statements, data
 * and the report.
 */
class HanaRemoteSubscriptionReplicationFakeTest {

    final FakeHanaCloudJdbc hana = new FakeHanaCloudJdbc("eu10", "us10");
    final HanaApplication app = new HanaApplication(
            "orders", "eu10", Map.of("eu10", "US10_SOURCE", "us10", "EU10_SOURCE"), "SALES", List.of(), "ORDERS_APP");
    /** A step's time that a fake answering in-process never needs, busy machine or not. */
    static final Duration ENOUGH = Duration.ofSeconds(60);
    /** Waits up to a minute for the subscriptions to move on: here they move on every statement. */
    final HanaRemoteSubscriptionReplication replication = new HanaRemoteSubscriptionReplication(
            List.of(app), hana.source(), Duration.ofSeconds(60), Duration.ofMillis(5));
    /** Waits briefly: for the tests that hold a subscription in its window and expect "not yet". */
    final HanaRemoteSubscriptionReplication impatient = new HanaRemoteSubscriptionReplication(
            List.of(app), hana.source(), Duration.ofMillis(200), Duration.ofMillis(5));

    @BeforeEach
    void twoDatabasesWithTheSameTables() {
        for (FakeHanaCloudJdbc.Db db : hana.dbs.values()) {
            db.createTable("SALES.CUSTOMER", 0);
            db.createTable("SALES.ORDERS", 0);
            rows(db.region, "SALES.CUSTOMER", 1, 5);
            rows(db.region, "SALES.ORDERS", 1, 7);
        }
        hana.db("eu10").remoteSources.put("US10_SOURCE", "us10");
        hana.db("us10").remoteSources.put("EU10_SOURCE", "eu10");
        hana.db("eu10").grants.add("ORDERS_APP:SALES.CUSTOMER");
        hana.db("eu10").grants.add("ORDERS_APP:SALES.ORDERS");
        replication.start();
    }

    /** Rows {@code from..to} of a table, put there directly (nothing captures them). */
    void rows(String region, String table, long from, long to) {
        for (long k = from; k <= to; k++) {
            hana.db(region).rows(table).put(k, table + "#" + k);
        }
    }

    @Test
    void reprotectSubscribesEachTableOnceQueueingWhileItReloads() throws Exception {
        hana.db("us10").rows("SALES.CUSTOMER").clear();
        hana.db("us10").rows("SALES.ORDERS").clear();
        hana.executed.clear();
        ReplicationStatus status = replication.reprotect("orders", "eu10", "us10", 1);

        assertThat(hana.changes("us10"))
                .containsSubsequence(
                        "CREATE VIRTUAL TABLE \"SALES\".\"VT_CUSTOMER\" AT \"EU10_SOURCE\".\"<NULL>\".\"SALES\".\"CUSTOMER\"",
                        "CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" ON \"SALES\".\"VT_CUSTOMER\" TARGET TABLE \"SALES\".\"CUSTOMER\"",
                        "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" QUEUE",
                        "DELETE FROM \"SALES\".\"CUSTOMER\"",
                        "INSERT INTO \"SALES\".\"CUSTOMER\" SELECT * FROM \"SALES\".\"VT_CUSTOMER\"",
                        "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" DISTRIBUTE");
        assertThat(hana.changes("us10"))
                .contains(
                        "CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" ON \"SALES\".\"VT_ORDERS\" TARGET TABLE \"SALES\".\"ORDERS\"",
                        "CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_MRM_DRAIN_MARKER\" ON \"SALES\".\"VT_MRM_DRAIN_MARKER\""
                                + " TARGET TABLE \"SALES\".\"MRM_DRAIN_MARKER\"");
        assertThat(hana.changes("us10")).noneMatch(s -> s.startsWith("CREATE COLUMN TABLE \"SALES\".\"ORDERS\""));
        assertThat(status.replicates("eu10", "us10")).isTrue();
        assertThat(status.tables()).containsEntry("SUB_ORDERS", "APPLY_CHANGE_DATA");
        assertThat(status.fencingEpoch()).isEqualTo(1);
        assertThat(hana.db("us10").rows("SALES.ORDERS"))
                .isEqualTo(hana.db("eu10").rows("SALES.ORDERS"))
                .hasSize(7);
        assertThat(hana.db("us10").rows("SALES.CUSTOMER"))
                .isEqualTo(hana.db("eu10").rows("SALES.CUSTOMER"));

        hana.executed.clear();
        replication.reprotect("orders", "eu10", "us10", 1);
        assertThat(hana.changes("us10")).allMatch(s -> s.startsWith("UPDATE \"MRM\".\"FENCING\""));
    }

    @Test
    void aReplicaTableAlreadyEqualToItsPrimaryIsNotReloaded() throws Exception {
        hana.db("us10").rows("SALES.ORDERS").remove(7L); // CUSTOMER is in sync, ORDERS lacks a row
        hana.executed.clear();

        ReplicationStatus status = replication.reprotect("orders", "eu10", "us10", 1);

        assertThat(hana.changes("us10"))
                .doesNotContain("DELETE FROM \"SALES\".\"CUSTOMER\"")
                .contains(
                        "DELETE FROM \"SALES\".\"ORDERS\"",
                        "INSERT INTO \"SALES\".\"ORDERS\" SELECT * FROM \"SALES\".\"VT_ORDERS\"",
                        "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" QUEUE",
                        "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" DISTRIBUTE");
        assertThat(status.details().get("reloadedTables")).contains("ORDERS").doesNotContain("CUSTOMER");
        assertThat(status.replicates("eu10", "us10")).isTrue();
    }

    @Test
    void aMissingReplicaTableIsCreatedLikeItsVirtualTable() throws Exception {
        hana.db("us10").tables.remove("SALES.ORDERS");
        replication.reprotect("orders", "eu10", "us10", 1);
        assertThat(hana.changes("us10"))
                .contains("CREATE COLUMN TABLE \"SALES\".\"ORDERS\" LIKE \"SALES\".\"VT_ORDERS\"");
        assertThat(hana.db("us10").rows("SALES.ORDERS")).hasSize(7);
    }

    @Test
    void drainWaitsForTheMarkerAndASummedBacklogOfZero() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("us10").subscription("SALES.SUB_ORDERS").stalled = true;
        hana.db("us10").subscription("SALES.SUB_CUSTOMER").stalled = true;
        for (long k = 101; k <= 106; k++) {
            hana.write("eu10", "SALES.ORDERS", k, "new order " + k);
        }
        hana.write("eu10", "SALES.CUSTOMER", 101L, "new customer");
        hana.write("eu10", "SALES.CUSTOMER", 1L, "changed customer");

        // stalled for good: the drain's bound runs out whatever the machine's speed
        DrainResult behind = replication.drain("orders", "eu10", "us10", Duration.ofMillis(500));
        hana.db("us10").subscription("SALES.SUB_ORDERS").stalled = false;
        hana.db("us10").subscription("SALES.SUB_CUSTOMER").stalled = false;
        DrainResult done = replication.drain("orders", "eu10", "us10", Duration.ofSeconds(60));

        assertThat(behind.complete()).isFalse();
        assertThat(behind.remaining()).isEqualTo(8); // 6 + 2 messages over two subscriptions: a sum
        assertThat(done.complete()).isTrue();
        assertThat(hana.db("us10").rows("SALES.ORDERS"))
                .isEqualTo(hana.db("eu10").rows("SALES.ORDERS"))
                .hasSize(13);
        assertThat(hana.db("us10").rows("SALES.CUSTOMER")).containsEntry(1L, "changed customer");
        assertThat(hana.changes("eu10"))
                .contains("UPSERT \"SALES\".\"MRM_DRAIN_MARKER\" (APPLICATION_ID, SEQ) VALUES (?, ?) WITH PRIMARY KEY");
    }

    @Test
    void aBoundedDrainIsNotRefusedForItsSizeSinceHanaCountsMessagesNotBytes() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("us10").subscription("SALES.SUB_ORDERS").stalled = true;
        hana.write("eu10", "SALES.ORDERS", 8L, "new order");
        assertThat(replication.backlog("orders", "eu10", "us10").known()).isFalse();
        hana.db("us10").subscription("SALES.SUB_ORDERS").stalled = false;

        CommandAck ack = new HanaSyncCommandHandler(replication, Clock.systemUTC())
                .handle(new DataDrainCommand(
                        "d-1",
                        "orders",
                        Instant.now(),
                        1,
                        new StepRef("d-1", 1, 1, 1, Instant.now().plusSeconds(30)),
                        "eu10",
                        "us10",
                        1L));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).containsEntry("maxBacklogBytes", "1").containsEntry("backlogMessages", "0");
        assertThat(ack.observed().get("backlogBytes")).startsWith("unknown: HANA remote subscriptions report");
    }

    @Test
    void promoteFencesTheOldPrimaryAndDropsSubscriptionsWithCaptureSuspended() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.executed.clear();

        ReplicationStatus status = replication.promote("orders", "us10", 2, false, ENOUGH);

        assertThat(hana.changes("eu10"))
                .containsSubsequence(
                        "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?",
                        "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"CUSTOMER\" FROM \"ORDERS_APP\"",
                        "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"ORDERS\" FROM \"ORDERS_APP\"",
                        "UPSERT \"SALES\".\"MRM_DRAIN_MARKER\" (APPLICATION_ID, SEQ) VALUES (?, ?) WITH PRIMARY KEY");
        assertThat(hana.changes("us10"))
                .containsSubsequence(
                        "ALTER REMOTE SOURCE \"EU10_SOURCE\" SUSPEND CAPTURE",
                        "DROP REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\"",
                        "DROP REMOTE SUBSCRIPTION \"SALES\".\"SUB_MRM_DRAIN_MARKER\"",
                        "DROP REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\"",
                        "ALTER REMOTE SOURCE \"EU10_SOURCE\" RESUME CAPTURE",
                        "GRANT INSERT, UPDATE, DELETE ON \"SALES\".\"CUSTOMER\" TO \"ORDERS_APP\"");
        assertThat(status.primaryRegion()).isEqualTo("us10");
        assertThat(status.sourceRegion()).isNull();
        assertThat(status.details()).containsEntry("oldPrimaryFenced", "true").containsEntry("role.eu10", "FENCED@2");
        assertThat(hana.db("eu10").grants).isEmpty();

        hana.executed.clear();
        replication.promote("orders", "us10", 2, false, ENOUGH);
        assertThat(hana.changes("us10")).allMatch(s -> s.startsWith("UPDATE \"MRM\".\"FENCING\""));
    }

    @Test
    void aLowerEpochIsRefusedByTheFencingTableEvenFromAFreshActuator() throws Exception {
        replication.promote("orders", "us10", 5, false, ENOUGH);
        assertThatThrownBy(() -> replication.promote("orders", "eu10", 4, false, ENOUGH))
                .isInstanceOf(DataStaleEpochException.class)
                .hasMessageContaining("epoch 5 > 4");

        HanaSyncCommandHandler fresh = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck ack = fresh.handle(new DataPromoteCommand(
                "p-4",
                "orders",
                Instant.now(),
                1,
                new StepRef("d-4", 4, 1, 1, Instant.now().plusSeconds(30)),
                "eu10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(hana.db("us10").role("orders")).isEqualTo("PRIMARY");
    }

    @Test
    void forcedPromoteWithoutTheOldPrimaryAndReprotectKeepsWhatOnlyItHad() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;

        ReplicationStatus promoted = replication.promote("orders", "us10", 2, true, ENOUGH);
        assertThat(promoted.details()).containsEntry("oldPrimaryFenced", "false");
        assertThat(hana.changes("us10")).contains("DROP REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\"");

        hana.db("eu10").down = false;
        rows("eu10", "SALES.ORDERS", 100, 102); // committed on eu10 and never sent
        hana.executed.clear();
        ReplicationStatus reprotected = replication.reprotect("orders", "us10", "eu10", 3);

        assertThat(hana.changes("eu10"))
                .containsSubsequence(
                        "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"ORDERS\" FROM \"ORDERS_APP\"",
                        "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" QUEUE",
                        "CREATE COLUMN TABLE \"SALES\".\"MRM_LOST_ORDERS_E3\" AS (SELECT * FROM \"SALES\".\"ORDERS\" EXCEPT"
                                + " SELECT * FROM \"SALES\".\"VT_ORDERS\")",
                        "DELETE FROM \"SALES\".\"ORDERS\"");
        assertThat(reprotected.details())
                .containsEntry("unreplicatedRows.ORDERS", "3")
                .containsEntry("unreplicatedChanges", "3");
        assertThat(reprotected.replicates("us10", "eu10")).isTrue();
    }

    @Test
    void fenceAfterAForcedPromoteClosesTheOldPrimaryLikePromoteWouldHaveAndOnlyOnce() throws Exception {
        hana.db("eu10").down = true;
        replication.promote("orders", "us10", 2, true, ENOUGH);
        hana.db("eu10").down = false;
        hana.executed.clear();

        FenceResult first = replication.fence("orders", "eu10", 2, ENOUGH);

        assertThat(hana.changes("eu10"))
                .containsExactly(
                        "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?",
                        "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"CUSTOMER\" FROM \"ORDERS_APP\"",
                        "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"ORDERS\" FROM \"ORDERS_APP\"");
        assertThat(hana.changes("us10")).isEmpty();
        assertThat(first.changed()).isTrue();
        assertThat(first.fencingEpoch()).isEqualTo(2);
        assertThat(hana.db("eu10").role("orders")).isEqualTo("FENCED");
        assertThat(hana.db("eu10").grants).isEmpty();

        hana.executed.clear();
        FenceResult again = replication.fence("orders", "eu10", 2, ENOUGH);
        assertThat(again.changed()).isFalse();
        assertThat(hana.changes("eu10")).isEmpty();
        assertThat(hana.executed).noneMatch(s -> s.startsWith("us10"));
    }

    @Test
    void aGracefulPromoteWhoseDrainTimesOutGivesTheOldPrimaryBackAndPromotesNothing() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        java.util.Set<String> grantsBefore = new java.util.HashSet<>(hana.db("eu10").grants);
        stallWithABacklog();
        hana.executed.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, false, Duration.ofMillis(500)))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("DRAIN_TIMEOUT");
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getMessage())
                            .contains("eu10 is open to the application again", "us10 was not promoted");
                });
        // without the re-open both were closed: eu10 fenced and revoked, us10 never opened
        assertThat(hana.db("eu10").role("orders")).isEqualTo("PRIMARY");
        assertThat(hana.db("eu10").grants).isEqualTo(grantsBefore).isNotEmpty();
        assertThat(hana.db("us10").grants).isEmpty();
    }

    @Test
    void aRetriedGracefulPromoteWhoseFirstAttemptFencedAndCrashedStillGivesTheOldPrimaryBack() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        java.util.Set<String> grantsBefore = new java.util.HashSet<>(hana.db("eu10").grants);
        stallWithABacklog();
        // the first attempt fenced eu10 under epoch 2 and its actuator died before it drained
        hana.db("eu10").setFencing("orders", 2, "FENCED");
        hana.db("eu10").grants.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, false, Duration.ofMillis(500)))
                .isInstanceOfSatisfying(
                        ActuatorFailure.class,
                        e -> assertThat(e.getMessage()).contains("eu10 is open to the application again"));
        assertThat(hana.db("eu10").role("orders")).isEqualTo("PRIMARY");
        assertThat(hana.db("eu10").grants).isEqualTo(grantsBefore);
    }

    /** The replica's applier is stuck and the primary wrote since: the backlog never reaches zero. */
    void stallWithABacklog() {
        hana.db("us10").subscription("SALES.SUB_ORDERS").stalled = true;
        for (long k = 101; k <= 106; k++) {
            hana.write("eu10", "SALES.ORDERS", k, "new order " + k);
        }
    }

    @Test
    void aGracefulPromoteOpensNothingWhileTheOldPrimaryIsUnreachable() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;
        hana.executed.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, false, ENOUGH))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("OLD_PRIMARY_UNREACHABLE");
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(hana.changes("us10")).as("nothing changed on the standby").isEmpty();
        assertThat(hana.db("us10").grants).isEmpty();

        hana.db("eu10").down = false;
        ReplicationStatus promoted = replication.promote("orders", "us10", 2, false, ENOUGH);
        assertThat(promoted.details()).containsEntry("oldPrimaryFenced", "true");
        assertThat(hana.db("eu10").grants).isEmpty();
    }

    @Test
    void aReprotectRetriedAfterItKeptTheLostRowsAsideReportsThemOnceAndCompletes() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;
        replication.promote("orders", "us10", 2, true, ENOUGH);
        hana.db("eu10").down = false;
        rows("eu10", "SALES.ORDERS", 100, 102);
        // the connection drops right after the rows only eu10 had were kept aside
        hana.failOnce = "DELETE FROM \"SALES\".\"ORDERS\"";

        assertThatThrownBy(() -> replication.reprotect("orders", "us10", "eu10", 3))
                .isInstanceOfSatisfying(
                        ActuatorFailure.class, e -> assertThat(e.retriable()).isTrue());
        ReplicationStatus retried = replication.reprotect("orders", "us10", "eu10", 3);

        assertThat(retried.details())
                .containsEntry("unreplicatedRows.ORDERS", "3")
                .containsEntry("unreplicatedChanges", "3");
        assertThat(retried.sourceRegion()).isEqualTo("us10");
        assertThat(hana.changes("eu10").stream().filter(c -> c.startsWith("CREATE COLUMN TABLE \"SALES\".\"MRM_LOST_")))
                .hasSize(1);
    }

    @Test
    void fenceThroughTheHandlerAcksWhatItDidWithTheFenceEpoch() {
        hana.db("eu10").down = true;
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck promoted = handler.handle(new DataPromoteCommand(
                "p-3",
                "orders",
                Instant.now(),
                1,
                new StepRef("d-3", 3, 1, 1, Instant.now().plusSeconds(30)),
                "us10",
                FailoverMode.FORCED));
        assertThat(promoted.outcome()).as(promoted.detail()).isEqualTo(AckOutcome.SUCCEEDED);

        CommandAck down = handler.handle(fenceCommand("f-1", 3, "eu10"));
        hana.db("eu10").down = false;
        CommandAck fenced = handler.handle(fenceCommand("f-2", 3, "eu10"));

        assertThat(down.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(down.errorCode()).isEqualTo(FenceFailure.UNREACHABLE.name());
        assertThat(down.fenceEpoch()).isEqualTo(3L);
        assertThat(fenced.outcome()).as(fenced.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fenced.observed()).containsEntry("role.eu10", "FENCED@3").containsEntry("changed", "true");
        assertThat(fenced.fenceEpoch()).isEqualTo(3L);
    }

    @Test
    void fencingTheCurrentPrimaryOrAnUnknownRegionChangesNothing() {
        hana.executed.clear();

        assertThatThrownBy(() -> replication.fence("orders", "eu10", 1, ENOUGH))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(FenceFailure.IS_PRIMARY.name());
                    assertThat(e.retriable()).isFalse();
                });
        assertThatThrownBy(() -> replication.fence("orders", "ap10", 1, ENOUGH))
                .isInstanceOfSatisfying(
                        ActuatorFailure.class, e -> assertThat(e.code()).isEqualTo(FenceFailure.UNKNOWN_REGION.name()));
        assertThat(hana.changes("eu10")).isEmpty();
        assertThat(hana.changes("us10")).isEmpty();
        assertThat(hana.db("eu10").grants).hasSize(2);
    }

    @Test
    void aPrimaryWhoseSuccessorDoesNotAnswerIsNotFenced() throws Exception {
        hana.db("eu10").down = true;
        replication.promote("orders", "us10", 2, true, ENOUGH);
        hana.db("eu10").down = false;
        hana.db("us10").down = true;
        hana.executed.clear();

        assertThatThrownBy(() -> replication.fence("orders", "eu10", 2, ENOUGH))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.code()).isEqualTo(FenceFailure.PEER_UNREACHABLE.name());
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(hana.changes("eu10")).isEmpty();
    }

    @Test
    void aStaleFenceIsRefusedByTheFencingTableWithItsEpoch() throws Exception {
        replication.promote("orders", "us10", 5, false, ENOUGH);
        hana.executed.clear();

        assertThatThrownBy(() -> replication.fence("orders", "eu10", 4, ENOUGH))
                .isInstanceOfSatisfying(
                        DataStaleEpochException.class,
                        e -> assertThat(e.storedEpoch()).isEqualTo(5));
        CommandAck ack =
                new HanaSyncCommandHandler(replication, Clock.systemUTC()).handle(fenceCommand("f-4", 4, "eu10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(ack.fenceEpoch()).isEqualTo(5L);
        assertThat(hana.changes("eu10")).isEmpty();
    }

    static DataFenceCommand fenceCommand(String id, long epoch, String region) {
        return new DataFenceCommand(
                id,
                "orders",
                Instant.now(),
                1,
                new StepRef("d-" + epoch, epoch, 6, 1, Instant.now().plusSeconds(10)),
                region);
    }

    @Test
    void tablesComeFromTheCatalogPageByPageAndUnquotableNamesAreRefused() throws Exception {
        FakeHanaCloudJdbc.Db eu10 = hana.db("eu10");
        for (int i = 0; i < 2500; i++) {
            eu10.createTable(String.format("SALES.T%04d", i), i % 3); // some partitioned: a row per partition
        }
        try (Connection c = hana.source().open("orders", "eu10")) {
            hana.executed.clear();
            assertThat(HanaRemoteSubscriptionReplication.tables(c, app))
                    .hasSize(2502)
                    .doesNotHaveDuplicates();
            assertThat(hana.executed).filteredOn(s -> s.contains("M_CS_TABLES")).hasSize(3);

            eu10.createTable("SALES.bad\"name", 0);
            assertThatThrownBy(() -> HanaRemoteSubscriptionReplication.tables(c, app))
                    .hasMessageContaining("is not valid");
        }
    }

    /**
     * Whoever may create a remote subscription in the schema chooses its name; promote reads the names back
     * from {@code SYS.REMOTE_SUBSCRIPTIONS} and drops each by name. A name built to end the quoted identifier
     * and append SQL must never reach the statement text: the promote is refused, fatally, before it fences,
     * drains or drops anything.
     */
    @Test
    void aSubscriptionNameFromTheCatalogThatWouldInjectSqlRefusesThePromoteBeforeAnythingChanges() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        String injected = "SUB_X\" ON \"SALES\".\"VT_ORDERS\"; DROP SCHEMA \"SALES\" CASCADE; --";
        foreignSubscription("SALES." + injected);
        hana.executed.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, true, ENOUGH))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("UNSAFE_SUBSCRIPTION_NAME");
                    assertThat(e.retriable()).isFalse();
                })
                .hasMessageContaining("SYS.REMOTE_SUBSCRIPTIONS in us10")
                .hasMessageContaining("not an identifier this service puts into SQL");
        assertThat(hana.changes("us10")).isEmpty();
        assertThat(hana.changes("eu10"))
                .as("the old primary is not fenced for a promote that cannot finish")
                .isEmpty();
        assertThat(hana.db("us10").schemas).contains("SALES");
        assertThat(hana.db("us10").subscriptions).containsKey("SALES.SUB_ORDERS");
    }

    @Test
    void throughTheHandlerAnUnsafeSubscriptionNameIsAFatalAckWhoseDetailCannotDriveATerminal() {
        foreignSubscription("SALES.sub_orders\u001b[2J");
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());

        CommandAck ack = handler.handle(new DataPromoteCommand(
                "p-9",
                "orders",
                Instant.now(),
                1,
                new StepRef("d-9", 2, 1, 1, Instant.now().plusSeconds(30)),
                "us10",
                FailoverMode.GRACEFUL));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("UNSAFE_SUBSCRIPTION_NAME");
        assertThat(ack.detail()).contains("'sub_orders\\u001b[2J'").doesNotContain("\u001b");
    }

    /** A subscription someone else made in the schema, under a name of their choosing. */
    void foreignSubscription(String qualified) {
        hana.db("us10")
                .virtualTables
                .putIfAbsent("SALES.VT_X", new FakeHanaCloudJdbc.VirtualTable("EU10_SOURCE", "SALES", "ORDERS"));
        FakeHanaCloudJdbc.Subscription s = new FakeHanaCloudJdbc.Subscription("SALES.VT_X", "SALES.ORDERS");
        s.state = FakeHanaCloudJdbc.State.APPLY_CHANGE_DATA;
        hana.db("us10").subscriptions.put(qualified, s);
    }

    @Test
    void namesAcceptedForSqlAreStrictIdentifiersAndQuotingDoublesAnyQuoteAnyway() throws Exception {
        assertThat(HanaRemoteSubscriptionReplication.checkedForSql(app, "us10", List.of("SUB_ORDERS", "SUB_T0001")))
                .containsExactly("SUB_ORDERS", "SUB_T0001");
        for (String bad : List.of(
                "",
                "sub_orders",
                "SUB ORDERS",
                "SUB_ORDERS\"",
                "_SUB",
                "1SUB",
                "SUB-ORDERS",
                "SUB_\u0130",
                "S".repeat(121))) {
            assertThatThrownBy(() -> HanaRemoteSubscriptionReplication.checkedForSql(app, "us10", List.of(bad)))
                    .as("'%s'", bad)
                    .isInstanceOf(ActuatorFailure.class);
        }
        assertThat(HanaApplication.quote("A\"B")).isEqualTo("\"A\"\"B\"");
    }

    @Test
    void configuredIdentifiersAreChecked() {
        assertThatThrownBy(() -> new HanaApplication(
                        "orders",
                        "eu10",
                        Map.of("eu10", "A", "us10", "B"),
                        "SALES",
                        List.of("ORDERS\" CASCADE --"),
                        "ROLE"))
                .hasMessageContaining("table 'ORDERS\" CASCADE --' is not valid");
    }

    // --- the asynchronous lifecycle: a retry inside QUEUE's and DISTRIBUTE's windows ---

    @Test
    void aRetryWhileTheBeginMarkerTravelsWaitsInsteadOfQueueingAgainAndLoadsNothingBeforeIt() throws Exception {
        hana.db("us10").rows("SALES.ORDERS").clear();
        hana.pauseIn(FakeHanaCloudJdbc.State.MAT_START_BEG_MARKER);

        ReplicationStatus first = impatient.reprotect("orders", "eu10", "us10", 1);

        assertThat(first.sourceRegion()).as("queued is not replicating").isNull();
        assertThat(first.details().get("notYetApplying")).contains("SUB_ORDERS=MAT_START_BEG_MARKER");
        assertThat(hana.changes("us10"))
                .as("no load before the begin marker, no DISTRIBUTE before the load")
                .noneMatch(s -> s.startsWith("DELETE FROM \"SALES\"")
                        || s.startsWith("INSERT INTO \"SALES\"")
                        || s.endsWith("DISTRIBUTE"));

        hana.executed.clear();
        ReplicationStatus retried = impatient.reprotect("orders", "eu10", "us10", 1);
        assertThat(retried.sourceRegion()).isNull();
        assertThat(hana.changes("us10")).as("HANA refuses a second QUEUE").noneMatch(s -> s.endsWith(" QUEUE"));

        hana.resume();
        hana.write("eu10", "SALES.ORDERS", 50L, "written while queuing");
        ReplicationStatus done = replication.reprotect("orders", "eu10", "us10", 1);

        assertThat(done.replicates("eu10", "us10")).isTrue();
        assertThat(done.tables())
                .containsOnlyKeys("SUB_CUSTOMER", "SUB_ORDERS", "SUB_MRM_DRAIN_MARKER")
                .allSatisfy((sub, state) -> assertThat(state).isEqualTo("APPLY_CHANGE_DATA"));
        assertThat(hana.db("us10").rows("SALES.ORDERS"))
                .isEqualTo(hana.db("eu10").rows("SALES.ORDERS"))
                .hasSize(8);
        assertThat(hana.changes("us10"))
                .as("queued by the first attempt only")
                .noneMatch(s -> s.endsWith(" QUEUE"))
                .contains("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" DISTRIBUTE");
    }

    @Test
    void aRetryWhileTheQueueIsDistributedWaitsForApplyChangeDataAndNothingCallsItReplicatingBefore() {
        hana.db("us10").rows("SALES.ORDERS").clear();
        hana.pauseIn(FakeHanaCloudJdbc.State.MAT_COMP_BEG_MARKER);
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(impatient, Clock.systemUTC());

        CommandAck first = handler.handle(reprotect("r-1", 1));
        hana.write("eu10", "SALES.ORDERS", 60L, "written while distributing");
        hana.executed.clear();
        CommandAck retried = handler.handle(reprotect("r-2", 1));
        CommandAck drain = handler.handle(new DataDrainCommand(
                "d-1",
                "orders",
                Instant.now(),
                1,
                new StepRef("d-1", 1, 2, 1, Instant.now().plusSeconds(30)),
                "eu10",
                "us10",
                null));
        List<String> retriedChanges = hana.changes("us10");
        hana.resume();
        CommandAck converged = handler.handle(reprotect("r-3", 1));

        assertThat(first.outcome()).as(first.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(first.errorCode()).isEqualTo("NOT_CONVERGED");
        assertThat(first.observed())
                .containsEntry("table.SUB_ORDERS", "MAT_COMP_BEG_MARKER")
                .containsEntry("direction", "none");
        assertThat(retried.outcome()).as(retried.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(retriedChanges)
                .as("HANA refuses QUEUE and DISTRIBUTE again: the retry only waits")
                .noneMatch(s -> s.startsWith("ALTER REMOTE SUBSCRIPTION"));
        assertThat(drain.errorCode())
                .as("no drain while the queue is being applied")
                .isEqualTo("NOT_REPLICATING");
        assertThat(converged.outcome()).as(converged.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(converged.observed())
                .containsEntry("direction", "eu10->us10")
                .containsEntry("table.SUB_ORDERS", "APPLY_CHANGE_DATA");
        assertThat(hana.db("us10").rows("SALES.ORDERS"))
                .containsEntry(60L, "written while distributing")
                .isEqualTo(hana.db("eu10").rows("SALES.ORDERS"));
    }

    @Test
    void aStatementIssuedAgainInsideItsWindowIsRefusedByTheFakeAsHanaDoes() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.manualSteps();
        try (Connection c = hana.source().open("orders", "us10");
                Statement s = c.createStatement()) {
            s.execute("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" RESET");
            s.execute("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" QUEUE");
            assertThatThrownBy(() -> s.execute("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" QUEUE"))
                    .isInstanceOfSatisfying(
                            SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(256));
            assertThatThrownBy(() -> s.execute("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" DISTRIBUTE"))
                    .as("the begin marker has not passed")
                    .isInstanceOf(SQLException.class);
            hana.step();
            s.execute("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" DISTRIBUTE");
            assertThatThrownBy(() -> s.execute("ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" DISTRIBUTE"))
                    .isInstanceOf(SQLException.class);
            assertThatThrownBy(() -> s.execute("SELECT * FROM \"SALES\".\"ORDERS\""))
                    .as("SQL the fake does not model fails loudly")
                    .isInstanceOfSatisfying(
                            SQLException.class,
                            e -> assertThat(e.getErrorCode()).isEqualTo(257));
        }
    }

    @Test
    void aSubscriptionStoppedOnAnExceptionFailsTheReprotectWithItsErrorInsteadOfWaiting() {
        hana.db("us10").exceptions.put("SUB_ORDERS", new Object[] {1001L, "target table is locked"});

        assertThatThrownBy(() -> replication.reprotect("orders", "eu10", "us10", 1))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.code()).isEqualTo("SUBSCRIPTION_EXCEPTION");
                    assertThat(e.retriable()).isFalse();
                })
                .hasMessageContaining("SALES.SUB_ORDERS stopped on error 1001 ('target table is locked')");
    }

    // --- partitions and the re-protect report ---

    @Test
    void aPartitionedTableIsSubscribedOnceAndItsRowsAreCountedOverEveryPartition() throws Exception {
        for (FakeHanaCloudJdbc.Db db : hana.dbs.values()) {
            db.createTable("SALES.ORDERS", 4);
        }
        rows("eu10", "SALES.ORDERS", 1, 10);
        hana.executed.clear();

        ReplicationStatus status = replication.reprotect("orders", "eu10", "us10", 1);

        assertThat(hana.changes("us10"))
                .filteredOn(s -> s.startsWith("CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\""))
                .hasSize(1);
        assertThat(status.details()).containsEntry("sourceRows.ORDERS", "10").containsEntry("targetRows.ORDERS", "10");
        assertThat(hana.db("us10").tables.get("SALES.ORDERS").partitions).isEqualTo(4);
        long partitionsUsed = hana.db("eu10").rows("SALES.ORDERS").keySet().stream()
                .map(k -> hana.db("eu10").tables.get("SALES.ORDERS").partOf(k))
                .distinct()
                .count();
        assertThat(partitionsUsed)
                .as("the rows really are spread over partitions")
                .isGreaterThan(1);
    }

    @Test
    void theReprotectReportAfterAForcedFailoverIsCheckedFieldByField() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;
        hana.write("us10", "SALES.ORDERS", 8L, "written on us10 after the failover"); // not yet subscribed: stays there
        replication.promote("orders", "us10", 2, true, ENOUGH);
        hana.write("us10", "SALES.ORDERS", 9L, "written on us10 after the promote");
        hana.db("eu10").down = false;
        rows("eu10", "SALES.ORDERS", 100, 102); // committed on eu10 and never sent

        ReplicationStatus report = replication.reprotect("orders", "us10", "eu10", 3);

        Map<String, String> expected = new TreeMap<>();
        expected.put("unreplicatedRows.ORDERS", "3");
        expected.put("unreplicatedChanges", "3");
        expected.put("reloadedTables", "ORDERS,MRM_DRAIN_MARKER");
        expected.put("sourceRows.CUSTOMER", "5");
        expected.put("targetRows.CUSTOMER", "5");
        expected.put("sourceRows.ORDERS", "9");
        expected.put("targetRows.ORDERS", "9");
        expected.put("reachable.eu10", "true");
        expected.put("reachable.us10", "true");
        expected.put("role.eu10", "REPLICA@3");
        expected.put("role.us10", "PRIMARY@3");
        expected.put("backlogUnit", "messages");
        expected.put("subscriptionsApplying.eu10", "3/3");
        assertThat(report.details()).isEqualTo(expected);
        assertThat(report.primaryRegion()).isEqualTo("us10");
        assertThat(report.fencingEpoch()).isEqualTo(3);
        assertThat(report.replicates("us10", "eu10")).isTrue();
        assertThat(report.backlog()).isZero();
        assertThat(report.tables())
                .isEqualTo(Map.of(
                        "SUB_CUSTOMER",
                        "APPLY_CHANGE_DATA",
                        "SUB_ORDERS",
                        "APPLY_CHANGE_DATA",
                        "SUB_MRM_DRAIN_MARKER",
                        "APPLY_CHANGE_DATA"));
        assertThat(hana.db("eu10").rows("SALES.MRM_LOST_ORDERS_E3")).containsOnlyKeys(100L, 101L, 102L);
        assertThat(hana.db("eu10").rows("SALES.ORDERS"))
                .isEqualTo(hana.db("us10").rows("SALES.ORDERS"));
        assertThat(hana.db("eu10").grants).isEmpty();
        assertThat(hana.db("us10").grants).contains("ORDERS_APP:SALES.ORDERS", "ORDERS_APP:SALES.CUSTOMER");
    }

    static DataReprotectCommand reprotect(String id, long epoch) {
        return new DataReprotectCommand(
                id,
                "orders",
                Instant.now(),
                1,
                new StepRef("d-" + epoch, epoch, 3, 1, Instant.now().plusSeconds(60)),
                "eu10",
                "us10");
    }
}
