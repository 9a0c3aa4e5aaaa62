package io.mrm.hana.adapter.hana;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.operator.FailoverMode;
import io.mrm.hana.domain.DataStaleEpochException;
import io.mrm.hana.domain.DataReplicationException;
import io.mrm.hana.domain.DrainResult;
import io.mrm.hana.domain.FenceFailure;
import io.mrm.hana.domain.FenceResult;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import io.mrm.hana.domain.ReplicationStatus;
import java.sql.Connection;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The HANA backend's statements, statement by statement, against a JDBC fake of two HANA Cloud databases. */
class HanaRemoteSubscriptionReplicationFakeTest {

    final FakeHanaCloudJdbc hana = new FakeHanaCloudJdbc("eu10", "us10");
    final HanaApplication app = new HanaApplication("orders", "eu10",
            Map.of("eu10", "US10_SOURCE", "us10", "EU10_SOURCE"), "SALES", List.of(), "ORDERS_APP");
    final HanaRemoteSubscriptionReplication replication =
            new HanaRemoteSubscriptionReplication(List.of(app), hana.source());

    @BeforeEach
    void twoDatabasesWithTheSameTables() {
        for (FakeHanaCloudJdbc.Db db : hana.dbs.values()) {
            db.schemas.add("SALES");
            db.tables.add("SALES.CUSTOMER");
            db.tables.add("SALES.ORDERS");
        }
        hana.db("eu10").grants.add("ORDERS_APP:SALES.CUSTOMER");
        hana.db("eu10").grants.add("ORDERS_APP:SALES.ORDERS");
        replication.start();
    }

    @Test
    void reprotectSubscribesEachTableOnceQueueingWhileItReloads() throws Exception {
        hana.db("us10").rowsMissingHere.put("SALES.CUSTOMER", 5L);
        hana.db("us10").rowsMissingHere.put("SALES.ORDERS", 7L);
        hana.executed.clear();
        ReplicationStatus status = replication.reprotect("orders", "eu10", "us10", 1);

        assertThat(hana.changes("us10")).containsSubsequence(
                "CREATE VIRTUAL TABLE \"SALES\".\"VT_CUSTOMER\" AT \"EU10_SOURCE\".\"<NULL>\".\"SALES\".\"CUSTOMER\"",
                "CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" ON \"SALES\".\"VT_CUSTOMER\" TARGET TABLE \"SALES\".\"CUSTOMER\"",
                "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" QUEUE",
                "DELETE FROM \"SALES\".\"CUSTOMER\"",
                "INSERT INTO \"SALES\".\"CUSTOMER\" SELECT * FROM \"SALES\".\"VT_CUSTOMER\"",
                "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_CUSTOMER\" DISTRIBUTE");
        assertThat(hana.changes("us10")).contains(
                "CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" ON \"SALES\".\"VT_ORDERS\" TARGET TABLE \"SALES\".\"ORDERS\"",
                "CREATE REMOTE SUBSCRIPTION \"SALES\".\"SUB_MRM_DRAIN_MARKER\" ON \"SALES\".\"VT_MRM_DRAIN_MARKER\""
                        + " TARGET TABLE \"SALES\".\"MRM_DRAIN_MARKER\"");
        assertThat(hana.changes("us10")).noneMatch(s -> s.startsWith("CREATE COLUMN TABLE \"SALES\".\"ORDERS\""));
        assertThat(status.replicates("eu10", "us10")).isTrue();
        assertThat(status.tables()).containsEntry("SUB_ORDERS", "APPLY_CHANGE_DATA");
        assertThat(status.fencingEpoch()).isEqualTo(1);

        hana.executed.clear();
        replication.reprotect("orders", "eu10", "us10", 1);
        assertThat(hana.changes("us10")).allMatch(s -> s.startsWith("UPDATE \"MRM\".\"FENCING\""));
    }

    @Test
    void aReplicaTableAlreadyEqualToItsPrimaryIsNotReloaded() throws Exception {
        hana.db("us10").rowsMissingHere.put("SALES.ORDERS", 7L); // CUSTOMER is in sync, ORDERS lacks rows
        hana.executed.clear();

        ReplicationStatus status = replication.reprotect("orders", "eu10", "us10", 1);

        assertThat(hana.changes("us10")).doesNotContain("DELETE FROM \"SALES\".\"CUSTOMER\"")
                .contains("DELETE FROM \"SALES\".\"ORDERS\"",
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
        assertThat(hana.changes("us10")).contains("CREATE COLUMN TABLE \"SALES\".\"ORDERS\" LIKE \"SALES\".\"VT_ORDERS\"");
    }

    @Test
    void drainWaitsForTheMarkerAndASummedBacklogOfZero() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("us10").statistics.put("SALES.SUB_ORDERS", new long[] {10, 4});
        hana.db("us10").statistics.put("SALES.SUB_CUSTOMER", new long[] {5, 3});

        DrainResult behind = replication.drain("orders", "eu10", "us10", Duration.ofMillis(500));
        hana.db("us10").statistics.put("SALES.SUB_ORDERS", new long[] {10, 10});
        hana.db("us10").statistics.put("SALES.SUB_CUSTOMER", new long[] {5, 5});
        DrainResult done = replication.drain("orders", "eu10", "us10", Duration.ofSeconds(5));

        assertThat(behind.complete()).isFalse();
        assertThat(behind.remaining()).isEqualTo(8); // (10 - 4) + (5 - 3): a sum, not a count of rows
        assertThat(done.complete()).isTrue();
        assertThat(hana.changes("eu10")).contains(
                "UPSERT \"SALES\".\"MRM_DRAIN_MARKER\" (APPLICATION_ID, SEQ) VALUES (?, ?) WITH PRIMARY KEY");
    }

    @Test
    void aBoundedDrainIsNotRefusedForItsSizeSinceHanaCountsMessagesNotBytes() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("us10").statistics.put("SALES.SUB_ORDERS", new long[] {10, 4});
        assertThat(replication.backlog("orders", "eu10", "us10").known()).isFalse();
        hana.db("us10").statistics.put("SALES.SUB_ORDERS", new long[] {10, 10});

        CommandAck ack = new HanaSyncCommandHandler(replication, Clock.systemUTC()).handle(new DataDrainCommand(
                "d-1", "orders", Instant.now(), 1, new StepRef("d-1", 1, 1, 1, Instant.now().plusSeconds(30)),
                "eu10", "us10", 1L));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).containsEntry("maxBacklogBytes", "1").containsEntry("backlogMessages", "0");
        assertThat(ack.observed().get("backlogBytes")).startsWith("unknown: HANA remote subscriptions report");
    }

    @Test
    void promoteFencesTheOldPrimaryAndDropsSubscriptionsWithCaptureSuspended() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.executed.clear();

        ReplicationStatus status = replication.promote("orders", "us10", 2, false, Duration.ofSeconds(5));

        assertThat(hana.changes("eu10")).containsSubsequence(
                "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?",
                "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"CUSTOMER\" FROM \"ORDERS_APP\"",
                "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"ORDERS\" FROM \"ORDERS_APP\"",
                "UPSERT \"SALES\".\"MRM_DRAIN_MARKER\" (APPLICATION_ID, SEQ) VALUES (?, ?) WITH PRIMARY KEY");
        assertThat(hana.changes("us10")).containsSubsequence(
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
        replication.promote("orders", "us10", 2, false, Duration.ofSeconds(5));
        assertThat(hana.changes("us10")).allMatch(s -> s.startsWith("UPDATE \"MRM\".\"FENCING\""));
    }

    @Test
    void aLowerEpochIsRefusedByTheFencingTableEvenFromAFreshActuator() throws Exception {
        replication.promote("orders", "us10", 5, false, Duration.ofSeconds(5));
        assertThatThrownBy(() -> replication.promote("orders", "eu10", 4, false, Duration.ofSeconds(5)))
                .isInstanceOf(DataStaleEpochException.class).hasMessageContaining("epoch 5 > 4");

        HanaSyncCommandHandler fresh = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck ack = fresh.handle(new DataPromoteCommand("p-4", "orders", Instant.now(), 1,
                new StepRef("d-4", 4, 1, 1, Instant.now().plusSeconds(30)), "eu10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(hana.db("us10").fencingRole).containsEntry("orders", "PRIMARY");
    }

    @Test
    void forcedPromoteWithoutTheOldPrimaryAndReprotectKeepsWhatOnlyItHad() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;

        ReplicationStatus promoted = replication.promote("orders", "us10", 2, true, Duration.ofSeconds(5));
        assertThat(promoted.details()).containsEntry("oldPrimaryFenced", "false");
        assertThat(hana.changes("us10")).contains("DROP REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\"");

        hana.db("eu10").down = false;
        hana.db("eu10").rowsOnlyHere.put("SALES.ORDERS", 3L);
        hana.executed.clear();
        ReplicationStatus reprotected = replication.reprotect("orders", "us10", "eu10", 3);

        assertThat(hana.changes("eu10")).containsSubsequence(
                "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"ORDERS\" FROM \"ORDERS_APP\"",
                "ALTER REMOTE SUBSCRIPTION \"SALES\".\"SUB_ORDERS\" QUEUE",
                "CREATE COLUMN TABLE \"SALES\".\"MRM_LOST_ORDERS_E3\" AS (SELECT * FROM \"SALES\".\"ORDERS\" EXCEPT"
                        + " SELECT * FROM \"SALES\".\"VT_ORDERS\")",
                "DELETE FROM \"SALES\".\"ORDERS\"");
        assertThat(reprotected.details()).containsEntry("unreplicatedRows.ORDERS", "3")
                .containsEntry("unreplicatedChanges", "3");
        assertThat(reprotected.replicates("us10", "eu10")).isTrue();
    }

    @Test
    void fenceAfterAForcedPromoteClosesTheOldPrimaryLikePromoteWouldHaveAndOnlyOnce() throws Exception {
        hana.db("eu10").down = true;
        replication.promote("orders", "us10", 2, true, Duration.ofSeconds(5));
        hana.db("eu10").down = false;
        hana.executed.clear();

        FenceResult first = replication.fence("orders", "eu10", 2, Duration.ofSeconds(5));

        assertThat(hana.changes("eu10")).containsExactly(
                "UPDATE \"MRM\".\"FENCING\" SET EPOCH = ?, ROLE = ? WHERE APPLICATION_ID = ? AND EPOCH <= ?",
                "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"CUSTOMER\" FROM \"ORDERS_APP\"",
                "REVOKE INSERT, UPDATE, DELETE ON \"SALES\".\"ORDERS\" FROM \"ORDERS_APP\"");
        assertThat(hana.changes("us10")).isEmpty();
        assertThat(first.changed()).isTrue();
        assertThat(first.fencingEpoch()).isEqualTo(2);
        assertThat(hana.db("eu10").fencingRole).containsEntry("orders", "FENCED");
        assertThat(hana.db("eu10").grants).isEmpty();

        hana.executed.clear();
        FenceResult again = replication.fence("orders", "eu10", 2, Duration.ofSeconds(5));
        assertThat(again.changed()).isFalse();
        assertThat(hana.changes("eu10")).isEmpty();
        assertThat(hana.executed).noneMatch(s -> s.startsWith("us10"));
    }

    @Test
    void aGracefulPromoteWhoseDrainTimesOutGivesTheOldPrimaryBackAndPromotesNothing() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        java.util.Set<String> grantsBefore = new java.util.HashSet<>(hana.db("eu10").grants);
        hana.db("us10").statistics.put("SALES.SUB_ORDERS", new long[] {10, 4}); // never catches up
        hana.executed.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, false, Duration.ofMillis(500)))
                .isInstanceOfSatisfying(DataReplicationException.class, e -> {
                    assertThat(e.code()).isEqualTo("DRAIN_TIMEOUT");
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.getMessage()).contains("eu10 is open to the application again", "us10 was not promoted");
                });
        // without the re-open both were closed: eu10 fenced and revoked, us10 never opened
        assertThat(hana.db("eu10").fencingRole).containsEntry("orders", "PRIMARY");
        assertThat(hana.db("eu10").grants).isEqualTo(grantsBefore).isNotEmpty();
        assertThat(hana.db("us10").grants).isEmpty();
    }

    @Test
    void aRetriedGracefulPromoteWhoseFirstAttemptFencedAndCrashedStillGivesTheOldPrimaryBack() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        java.util.Set<String> grantsBefore = new java.util.HashSet<>(hana.db("eu10").grants);
        hana.db("us10").statistics.put("SALES.SUB_ORDERS", new long[] {10, 4});
        // the first attempt fenced eu10 under epoch 2 and its actuator died before it drained
        hana.db("eu10").fencing.put("orders", new long[] {2});
        hana.db("eu10").fencingRole.put("orders", "FENCED");
        hana.db("eu10").grants.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, false, Duration.ofMillis(500)))
                .isInstanceOfSatisfying(DataReplicationException.class, e ->
                        assertThat(e.getMessage()).contains("eu10 is open to the application again"));
        assertThat(hana.db("eu10").fencingRole).containsEntry("orders", "PRIMARY");
        assertThat(hana.db("eu10").grants).isEqualTo(grantsBefore);
    }

    @Test
    void aGracefulPromoteOpensNothingWhileTheOldPrimaryIsUnreachable() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;
        hana.executed.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, false, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(DataReplicationException.class, e -> {
                    assertThat(e.code()).isEqualTo("OLD_PRIMARY_UNREACHABLE");
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(hana.changes("us10")).as("nothing changed on the standby").isEmpty();
        assertThat(hana.db("us10").grants).isEmpty();

        hana.db("eu10").down = false;
        ReplicationStatus promoted = replication.promote("orders", "us10", 2, false, Duration.ofSeconds(5));
        assertThat(promoted.details()).containsEntry("oldPrimaryFenced", "true");
        assertThat(hana.db("eu10").grants).isEmpty();
    }

    @Test
    void aReprotectRetriedAfterItKeptTheLostRowsAsideReportsThemOnceAndCompletes() throws Exception {
        replication.reprotect("orders", "eu10", "us10", 1);
        hana.db("eu10").down = true;
        replication.promote("orders", "us10", 2, true, Duration.ofSeconds(5));
        hana.db("eu10").down = false;
        hana.db("eu10").rowsOnlyHere.put("SALES.ORDERS", 3L);
        // the connection drops right after the rows only eu10 had were kept aside
        hana.failOnce = "DELETE FROM \"SALES\".\"ORDERS\"";

        assertThatThrownBy(() -> replication.reprotect("orders", "us10", "eu10", 3))
                .isInstanceOfSatisfying(DataReplicationException.class, e -> assertThat(e.retriable()).isTrue());
        ReplicationStatus retried = replication.reprotect("orders", "us10", "eu10", 3);

        assertThat(retried.details()).containsEntry("unreplicatedRows.ORDERS", "3")
                .containsEntry("unreplicatedChanges", "3");
        assertThat(retried.sourceRegion()).isEqualTo("us10");
        assertThat(hana.changes("eu10").stream().filter(c -> c.startsWith("CREATE COLUMN TABLE \"SALES\".\"MRM_LOST_")))
                .hasSize(1);
    }

    @Test
    void fenceThroughTheHandlerAcksWhatItDidWithTheFenceEpoch() {
        hana.db("eu10").down = true;
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());
        CommandAck promoted = handler.handle(new DataPromoteCommand("p-3", "orders", Instant.now(), 1,
                new StepRef("d-3", 3, 1, 1, Instant.now().plusSeconds(30)), "us10", FailoverMode.FORCED));
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

        assertThatThrownBy(() -> replication.fence("orders", "eu10", 1, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(DataReplicationException.class, e -> {
                    assertThat(e.code()).isEqualTo(FenceFailure.IS_PRIMARY.name());
                    assertThat(e.retriable()).isFalse();
                });
        assertThatThrownBy(() -> replication.fence("orders", "ap10", 1, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(DataReplicationException.class,
                        e -> assertThat(e.code()).isEqualTo(FenceFailure.UNKNOWN_REGION.name()));
        assertThat(hana.changes("eu10")).isEmpty();
        assertThat(hana.changes("us10")).isEmpty();
        assertThat(hana.db("eu10").grants).hasSize(2);
    }

    @Test
    void aPrimaryWhoseSuccessorDoesNotAnswerIsNotFenced() throws Exception {
        hana.db("eu10").down = true;
        replication.promote("orders", "us10", 2, true, Duration.ofSeconds(5));
        hana.db("eu10").down = false;
        hana.db("us10").down = true;
        hana.executed.clear();

        assertThatThrownBy(() -> replication.fence("orders", "eu10", 2, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(DataReplicationException.class, e -> {
                    assertThat(e.code()).isEqualTo(FenceFailure.PEER_UNREACHABLE.name());
                    assertThat(e.retriable()).isTrue();
                });
        assertThat(hana.changes("eu10")).isEmpty();
    }

    @Test
    void aStaleFenceIsRefusedByTheFencingTableWithItsEpoch() throws Exception {
        replication.promote("orders", "us10", 5, false, Duration.ofSeconds(5));
        hana.executed.clear();

        assertThatThrownBy(() -> replication.fence("orders", "eu10", 4, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(DataStaleEpochException.class, e -> assertThat(e.storedEpoch()).isEqualTo(5));
        CommandAck ack = new HanaSyncCommandHandler(replication, Clock.systemUTC()).handle(fenceCommand("f-4", 4, "eu10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(ack.fenceEpoch()).isEqualTo(5L);
        assertThat(hana.changes("eu10")).isEmpty();
    }

    static DataFenceCommand fenceCommand(String id, long epoch, String region) {
        return new DataFenceCommand(id, "orders", Instant.now(), 1,
                new StepRef("d-" + epoch, epoch, 6, 1, Instant.now().plusSeconds(10)), region);
    }

    @Test
    void tablesComeFromTheCatalogPageByPageAndUnquotableNamesAreRefused() throws Exception {
        FakeHanaCloudJdbc.Db eu10 = hana.db("eu10");
        for (int i = 0; i < 2500; i++) {
            eu10.tables.add(String.format("SALES.T%04d", i));
        }
        try (Connection c = hana.source().open("orders", "eu10")) {
            hana.executed.clear();
            assertThat(HanaRemoteSubscriptionReplication.tables(c, app)).hasSize(2502);
            assertThat(hana.executed).filteredOn(s -> s.contains("M_CS_TABLES")).hasSize(3);

            eu10.tables.add("SALES.bad\"name");
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
        hana.db("us10").subscriptions.put("SALES." + injected, "APPLY_CHANGE_DATA");
        hana.executed.clear();

        assertThatThrownBy(() -> replication.promote("orders", "us10", 2, true, Duration.ofSeconds(5)))
                .isInstanceOfSatisfying(DataReplicationException.class, e -> {
                    assertThat(e.code()).isEqualTo("UNSAFE_SUBSCRIPTION_NAME");
                    assertThat(e.retriable()).isFalse();
                })
                .hasMessageContaining("SYS.REMOTE_SUBSCRIPTIONS in us10")
                .hasMessageContaining("not an identifier this service puts into SQL");
        assertThat(hana.changes("us10")).isEmpty();
        assertThat(hana.changes("eu10")).as("the old primary is not fenced for a promote that cannot finish").isEmpty();
        assertThat(hana.db("us10").schemas).contains("SALES");
        assertThat(hana.db("us10").subscriptions).containsKey("SALES.SUB_ORDERS");
    }

    @Test
    void throughTheHandlerAnUnsafeSubscriptionNameIsAFatalAckWhoseDetailCannotDriveATerminal() {
        hana.db("us10").subscriptions.put("SALES.sub_orders\u001b[2J", "APPLY_CHANGE_DATA");
        HanaSyncCommandHandler handler = new HanaSyncCommandHandler(replication, Clock.systemUTC());

        CommandAck ack = handler.handle(new DataPromoteCommand("p-9", "orders", Instant.now(), 1,
                new StepRef("d-9", 2, 1, 1, Instant.now().plusSeconds(30)), "us10", FailoverMode.GRACEFUL));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("UNSAFE_SUBSCRIPTION_NAME");
        assertThat(ack.detail()).contains("'sub_orders\\u001b[2J'").doesNotContain("\u001b");
    }

    @Test
    void namesAcceptedForSqlAreStrictIdentifiersAndQuotingDoublesAnyQuoteAnyway() throws Exception {
        assertThat(HanaRemoteSubscriptionReplication.checkedForSql(app, "us10", List.of("SUB_ORDERS", "SUB_T0001")))
                .containsExactly("SUB_ORDERS", "SUB_T0001");
        for (String bad : List.of("", "sub_orders", "SUB ORDERS", "SUB_ORDERS\"", "_SUB", "1SUB", "SUB-ORDERS",
                "SUB_\u0130", "S".repeat(121))) {
            assertThatThrownBy(() -> HanaRemoteSubscriptionReplication.checkedForSql(app, "us10", List.of(bad)))
                    .as("'%s'", bad).isInstanceOf(DataReplicationException.class);
        }
        assertThat(HanaApplication.quote("A\"B")).isEqualTo("\"A\"\"B\"");
    }

    @Test
    void configuredIdentifiersAreChecked() {
        assertThatThrownBy(() -> new HanaApplication("orders", "eu10", Map.of("eu10", "A", "us10", "B"), "SALES",
                List.of("ORDERS\" CASCADE --"), "ROLE")).hasMessageContaining("table 'ORDERS\" CASCADE --' is not valid");
    }
}
