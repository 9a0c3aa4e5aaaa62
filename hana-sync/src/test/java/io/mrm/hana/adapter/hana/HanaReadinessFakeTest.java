package io.mrm.hana.adapter.hana;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.hana.domain.DataReadinessChecker;
import io.mrm.hana.domain.HanaSyncCommandHandler;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HANA Cloud readiness checks against {@link FakeHanaCloudJdbc} (SAP's published system views): eu10 is
 * the primary and us10 subscribes to it. READY when every subscription applies and the technical user holds
 * what the steps execute with; a subscription in error, or not yet applying, is NOT_READY with its state and
 * error; a remote source that cannot reach its peer, or a missing privilege, is NOT_READY; nothing is changed.
 * A drill's drain and promote (rehearsals) run the same checks through the command handler and change nothing.
 */
class HanaReadinessFakeTest {

    final FakeHanaCloudJdbc hana = new FakeHanaCloudJdbc("eu10", "us10");
    final HanaApplication app = new HanaApplication(
            "orders", "eu10", Map.of("eu10", "US10_SOURCE", "us10", "EU10_SOURCE"), "SALES", List.of(), "ORDERS_APP");
    final HanaRemoteSubscriptionReplication replication = new HanaRemoteSubscriptionReplication(
            List.of(app), hana.source(), Duration.ofSeconds(60), Duration.ofMillis(5));
    final DataReadinessChecker checker = new DataReadinessChecker(
            new HanaReadiness(List.of(app), hana.source()), Clock.systemUTC(), Duration.ofSeconds(30));

    @BeforeEach
    void eu10ReplicatesToUs10() throws Exception {
        for (FakeHanaCloudJdbc.Db db : hana.dbs.values()) {
            db.createTable("SALES.CUSTOMER", 0);
            db.createTable("SALES.ORDERS", 0);
            db.rows("SALES.ORDERS").put(1L, "order#1");
            String source = app.remoteSources().get(db.region);
            for (String p : List.of("SELECT", "INSERT", "UPDATE")) {
                db.effectivePrivileges.add(new Object[] {"TABLE", "MRM", "FENCING", p, "FALSE"});
            }
            for (String p : List.of("INSERT", "UPDATE", "DELETE")) {
                db.effectivePrivileges.add(new Object[] {"SCHEMA", "SALES", "SALES", p, "TRUE"});
            }
            for (String p : List.of("ALTER", "CREATE VIRTUAL TABLE", "CREATE REMOTE SUBSCRIPTION")) {
                db.effectivePrivileges.add(new Object[] {"REMOTE SOURCE", null, source, p, "FALSE"});
            }
        }
        hana.db("eu10").remoteSources.put("US10_SOURCE", "us10");
        hana.db("us10").remoteSources.put("EU10_SOURCE", "eu10");
        hana.db("eu10").grants.add("ORDERS_APP:SALES.CUSTOMER");
        hana.db("eu10").grants.add("ORDERS_APP:SALES.ORDERS");
        replication.start();
        assertThat(replication.reprotect("orders", "eu10", "us10", 1).replicates("eu10", "us10"))
                .isTrue();
        hana.executed.clear();
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
    void aReplicatingPairIsReadyTowardsBothRegionsAndNothingIsChanged() {
        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checks)
                .allSatisfy(c -> assertThat(c.status())
                        .as(c.region() + "/" + c.action() + "/" + c.check() + ": " + c.reason())
                        .isEqualTo(ReadinessStatus.READY));
        assertThat(find(checks, "us10", StepAction.DATA_DRAIN, "subscription-state")
                        .reason())
                .contains("3 remote subscriptions in us10 are APPLY_CHANGE_DATA");
        assertThat(find(checks, "us10", StepAction.DATA_DRAIN, "remote-source").reason())
                .contains("EU10_SOURCE in us10 reaches eu10");
        assertThat(find(checks, "us10", StepAction.DATA_PROMOTE, "fencing-table")
                        .reason())
                .contains("REPLICA at epoch 1");
        assertThat(hana.changes("eu10")).isEmpty();
        assertThat(hana.changes("us10")).isEmpty();
    }

    @Test
    void aSubscriptionInErrorIsNotReadyWithItsError() {
        hana.db("us10").exceptions.put("SUB_ORDERS", new Object[] {2010L, "remote source EU10_SOURCE: connection lost"
        });

        ReadinessCheck drain = find(checker.check("orders"), "us10", StepAction.DATA_DRAIN, "subscription-state");

        assertThat(drain.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(drain.reason())
                .contains("SUB_ORDERS is APPLY_CHANGE_DATA with error 2010: remote source EU10_SOURCE: connection lost")
                .contains("PROCESS REMOTE SUBSCRIPTION EXCEPTION");
    }

    @Test
    void aSubscriptionNotYetApplyingIsNotReadyWithItsState() {
        hana.manualSteps();
        hana.db("us10").subscription("SALES.SUB_CUSTOMER").state = FakeHanaCloudJdbc.State.MAT_START_END_MARKER;

        ReadinessCheck drain = find(checker.check("orders"), "us10", StepAction.DATA_DRAIN, "subscription-state");

        assertThat(drain.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(drain.reason()).contains("SUB_CUSTOMER is MAT_START_END_MARKER");
    }

    @Test
    void aRemoteSourceThatCannotReachItsPeerIsNotReady() {
        hana.db("eu10").down = true;

        List<ReadinessCheck> checks = checker.check("orders");

        ReadinessCheck source = find(checks, "us10", StepAction.DATA_DRAIN, "remote-source");
        assertThat(source.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(source.reason()).contains("EU10_SOURCE in us10 does not reach eu10");
        ReadinessCheck fence = find(checks, "us10", StepAction.DATA_FENCE, "connection");
        assertThat(fence.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(fence.reason()).contains("eu10's database does not answer");
        assertThat(find(checks, "us10", StepAction.DATA_PROMOTE, "privileges").status())
                .as("us10 itself answers")
                .isEqualTo(ReadinessStatus.READY);
    }

    @Test
    void aMissingPrivilegeIsNotReadyAndNamed() {
        hana.db("us10").effectivePrivileges.removeIf(r -> "ALTER".equals(r[3]));

        ReadinessCheck promote = find(checker.check("orders"), "us10", StepAction.DATA_PROMOTE, "privileges");

        assertThat(promote.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(promote.reason()).contains("ALTER on remote source EU10_SOURCE");
    }

    HanaSyncCommandHandler handler() {
        // the bound is for a saturated machine, not an expectation
        return new HanaSyncCommandHandler(
                replication,
                Clock.systemUTC(),
                new Rehearsal(checker, Clock.systemUTC(), Duration.ofSeconds(60), HanaSyncCommandHandler.ACK_MARGIN));
    }

    static StepRef rehearsal(long epoch) {
        return new StepRef("d-drill", epoch, 1, 1, Instant.now().plusSeconds(120), true);
    }

    @Test
    void aRehearsedDrainAndPromoteSayWhatTheyWouldDoAndChangeNothing() {
        HanaSyncCommandHandler handler = handler();

        CommandAck drain = handler.handle(
                new DataDrainCommand("drill-drain", "orders", Instant.now(), 1, rehearsal(2), "eu10", "us10"));
        CommandAck promote = handler.handle(
                new DataPromoteCommand("drill-promote", "orders", Instant.now(), 1, rehearsal(2), "us10"));

        assertThat(drain.outcome()).as(drain.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(drain.detail()).startsWith("would drain eu10->us10");
        assertThat(promote.outcome()).as(promote.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promote.detail()).startsWith("would promote us10 under epoch 2, fencing eu10 first");
        assertThat(promote.observed()).containsEntry("rehearsal", "true").containsKey("ms.privileges");
        assertThat(hana.changes("eu10")).isEmpty();
        assertThat(hana.changes("us10")).isEmpty();
    }

    @Test
    void aSubscriptionInErrorMakesTheRehearsedDrainFatalWithItsError() {
        hana.db("us10").exceptions.put("SUB_ORDERS", new Object[] {2010L, "remote source EU10_SOURCE: connection lost"
        });

        CommandAck ack = handler()
                .handle(new DataDrainCommand(
                        "drill-drain-2", "orders", Instant.now(), 1, rehearsal(2), "eu10", "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.detail()).contains("SUB_ORDERS is APPLY_CHANGE_DATA with error 2010");
        assertThat(hana.changes("us10")).isEmpty();
    }
}
