package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.alertCodes;
import static io.mrm.decision.domain.CoreHarness.answer;
import static io.mrm.decision.domain.CoreHarness.command;
import static io.mrm.decision.domain.CoreHarness.of;
import static io.mrm.decision.domain.CoreHarness.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the deterministic simulation of the whole loop found in the core (each failed before its fix),
 * reduced to the shortest input that shows it.
 */
class SimulationFindingsTest {

    CoreHarness h = new CoreHarness(CoreHarness.policy());
    int ids;

    /** The per-window cap on automatic failovers still counts the recent ones after a state loss. */
    @Test
    void theCapOnAutomaticFailoversSurvivesARestore() {
        ApplicationPolicy p = CoreHarness.policy();
        h.use(new ApplicationPolicy(
                p.applicationId(),
                p.primaryRegion(),
                p.standbyRegion(),
                p.healthComponents(),
                p.alertComponents(),
                p.quorum(),
                p.failureThreshold(),
                p.recoveryThreshold(),
                p.staleAfter(),
                p.mode(),
                Duration.ZERO,
                1,
                Duration.ofHours(24),
                p.plan(),
                p.reprotectPlan(),
                p.stepTimeout(),
                p.stepMaxAttempts(),
                p.retryBackoff(),
                p.parallelSteps(),
                false,
                p.vantages(),
                null,
                null,
                null,
                null,
                java.time.Duration.ZERO,
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null));
        h.failOver();
        h.completePlan();
        h.restoreFromPublished();
        assertThat(h.state.automaticFailovers()).hasSize(1);
        h.report("eu10", HealthStatus.UP);

        List<MrmEvent> out = h.report("us10", HealthStatus.DOWN);

        assertThat(of(out, FailoverDecision.class)).isEmpty();
        assertThat(of(out, Alert.class))
                .extracting(Alert::rule)
                .contains(io.mrm.events.operator.SafetyRule.MAX_FAILOVERS_PER_WINDOW);
    }

    /** A command delivered twice: its first execution failed, its second succeeded. The step is done. */
    @Test
    void aSuccessAfterTheSameAttemptWasAnsweredWithAFailureCounts() {
        h.failOver();
        StepCommand promote = command(h.all, StepAction.DATA_PROMOTE);
        h.ack(promote, AckOutcome.FAILED_RETRIABLE);
        assertThat(h.state.run().step(0).status()).isEqualTo(StepStatus.RUNNING);

        List<MrmEvent> out = h.feed(Acks.of(promote, AckOutcome.SUCCEEDED, null, "redelivered", 5, Map.of(), h.now));

        assertThat(h.state.run().step(0).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(of(out, StepCommand.class)).extracting(StepCommand::action).contains(StepAction.EVENTS_SET_ACTIVE);
    }

    /** The active region going down while a plan is paused is alerted, not silent. */
    @Test
    void anOutageWhileAPlanIsPausedIsAlerted() {
        h.bothUp();
        h.feed(new ManualFailoverRequest(
                id(), "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned"));
        h.ack(command(h.all, StepAction.EVENTS_SET_STANDBY), AckOutcome.FAILED_FATAL);
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);

        assertThat(alertCodes(h.report("eu10", HealthStatus.DOWN))).containsExactly("OUTAGE_WHILE_PAUSED");
    }

    /** A graceful plan fences the old database beside it too, once the new one is promoted. */
    @Test
    void aGracefulPlanFencesTheOldDatabaseBesideItAfterThePromote() {
        h.bothUp();
        FailoverDecision decision = one(
                h.feed(new ManualFailoverRequest(
                        id(), "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned")),
                FailoverDecision.class);

        assertThat(decision.plan())
                .filteredOn(s -> Boolean.TRUE.equals(s.bestEffort()))
                .extracting(PlanStep::action, PlanStep::region)
                .containsExactly(org.assertj.core.groups.Tuple.tuple(StepAction.DATA_FENCE, "eu10"));
        int promote = decision.plan().stream()
                .filter(s -> s.action() == StepAction.DATA_PROMOTE)
                .findFirst()
                .orElseThrow()
                .index();
        assertThat(decision.plan().get(promote + 1).action()).isEqualTo(StepAction.DATA_FENCE);
    }

    /**
     * A blocked failover is alerted per region: frozen, eu10 down (blocked: alerted); an operator
     * switches by break-glass into us10, which is down too; once there, us10's outage — blocked by the
     * same rule — is alerted for us10 (the key used to be the rule alone, already raised for eu10).
     */
    @Test
    void aBlockedFailoverIsAlertedForEachRegionThatGoesDown() {
        h.bothUp();
        h.feed(new io.mrm.events.operator.FreezeRequest(id(), "orders", h.now, 1, "bob", "change window"));
        assertThat(alertCodes(h.report("eu10", HealthStatus.DOWN))).containsExactly("SAFETY_RULE_BLOCKED");
        h.report("us10", HealthStatus.DOWN);
        h.feed(new ManualFailoverRequest(
                id(),
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.FORCED,
                List.of(
                        io.mrm.events.operator.SafetyRule.STANDBY_HEALTHY,
                        io.mrm.events.operator.SafetyRule.NOT_BOTH_DOWN),
                "break glass: eu10 is gone"));
        int before = h.all.size();
        h.completePlan();

        List<Alert> alerts = of(h.all.subList(before, h.all.size()), Alert.class);
        assertThat(alerts)
                .filteredOn(a -> a.code().equals("SAFETY_RULE_BLOCKED"))
                .anyMatch(a -> a.message().startsWith("us10 is down"));
    }

    /**
     * An answer to the aborted plan parked beside a proposal made from the split is recorded on it
     * (once: it used to recurse without end), and when the proposal is rejected the aborted plan is
     * the current decision again — the one the topology names and an operator can resume.
     */
    @Test
    void anAnswerToTheParkedAbortedPlanIsRecordedAndItIsCurrentAgainWhenTheProposalEnds() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        h.bothUp();
        FailoverDecision proposal = one(
                h.feed(new ManualFailoverRequest(
                        id(), "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned")),
                FailoverDecision.class);
        FailoverDecision approved = one(
                h.feed(new ApproveRequest(id(), "orders", h.now, 1, "bob", proposal.id(), "ok")),
                FailoverDecision.class);
        for (StepAction action :
                List.of(StepAction.EVENTS_SET_STANDBY, StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE)) {
            h.ack(command(h.all, action), AckOutcome.SUCCEEDED);
        }
        StepCommand eventsActive = command(h.all, StepAction.EVENTS_SET_ACTIVE); // in flight
        h.feed(new AbortRequest(id(), "orders", h.now, 1, "bob", approved.id(), "stop"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        FailoverDecision toOne = one(
                h.feed(new ManualFailoverRequest(
                        id(),
                        "orders",
                        h.now,
                        1,
                        "alice",
                        "eu10",
                        FailoverMode.GRACEFUL,
                        List.of(),
                        "back to one region")),
                FailoverDecision.class);

        h.ack(eventsActive, AckOutcome.SUCCEEDED);
        assertThat(h.state.parkedRun().step(eventsActive.step().stepIndex()).status())
                .isEqualTo(StepStatus.SUCCEEDED);
        h.feed(new RejectRequest(id(), "orders", h.now, 1, "bob", toOne.id(), "finish the switch instead"));

        assertThat(h.state.lastDecisionId()).isEqualTo(approved.id());
        assertThat(h.published.lastDecisionId()).isEqualTo(approved.id());
        assertThat(h.state.placement().events()).isEqualTo("us10");
        assertThat(answer(h.feed(new ResumeRequest(id(), "orders", h.now, 1, "bob", approved.id(), null)))
                        .accepted())
                .isTrue();
    }

    /**
     * After an abort, a failure answer that arrives after its attempt's deadline does not prove the
     * step did not take effect (an earlier delivery may have executed, its success lost).
     */
    @Test
    void aFailureAnsweredAfterItsDeadlineDoesNotSettleWhereAComponentIs() {
        FailoverDecision decision = h.failOver();
        StepCommand promote = command(h.all, StepAction.DATA_PROMOTE);
        h.feed(new AbortRequest(id(), "orders", h.now, 1, "bob", decision.id(), "stop"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        h.tick(Duration.ofSeconds(61)); // past the promote's deadline

        h.ack(promote, AckOutcome.FAILED_FATAL); // e.g. a redelivery refused as past its deadline

        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().data()).isNull();
    }

    /**
     * A forced failover back to a region still owed fences, aborted before it moved anything, leaves
     * those fences owed: the region's database may still be writable.
     */
    @Test
    void anAbortedForcedFailoverBackKeepsTheFencesItWouldHaveSuperseded() {
        h.failOverLeavingBothFencesPending();
        h.feed(new AcknowledgeHoldDownRequest(id(), "orders", h.now, 1, "bob", "checked"));
        h.report("eu10", HealthStatus.UP);
        FailoverDecision back = one(h.report("us10", HealthStatus.DOWN), FailoverDecision.class);
        h.ack(
                of(h.all, StepCommand.class).stream()
                        .filter(c -> c.step().decisionId().equals(back.id()))
                        .findFirst()
                        .orElseThrow(),
                AckOutcome.FAILED_FATAL);

        h.feed(new AbortRequest(id(), "orders", h.now, 1, "bob", back.id(), "not now"));

        assertThat(h.state.activeRegion()).isEqualTo("us10");
        assertThat(h.state.fences())
                .extracting(f -> f.duty().region())
                .containsOnly("eu10")
                .hasSize(2);
    }

    String id() {
        return "req-" + ++ids;
    }
}
