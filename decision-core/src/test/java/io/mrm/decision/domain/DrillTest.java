package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.alertCodes;
import static io.mrm.decision.domain.CoreHarness.answer;
import static io.mrm.decision.domain.CoreHarness.of;
import static io.mrm.decision.domain.CoreHarness.one;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.DrillRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** Drills: the real plan in rehearsal, beside the real state, never in a real failover's way. */
class DrillTest {

    final CoreHarness h = new CoreHarness(CoreHarness.policy());
    int requests;

    DrillRequest drill(String operator, String target) {
        return new DrillRequest(
                "drill-" + ++requests, "orders", h.now, 1, operator, target, FailoverMode.GRACEFUL, "quarterly drill");
    }

    /** The drill's commands still awaited, in the order they were sent. */
    List<StepCommand> running() {
        DrillRun d = h.state.drill();
        return of(h.all, StepCommand.class).stream()
                .filter(c -> c.step().decisionId().equals(d.decision().id()))
                .filter(c -> d.steps().get(c.step().stepIndex()).status() == StepStatus.RUNNING)
                .filter(c -> c.step().attempt()
                        == d.steps().get(c.step().stepIndex()).attempts())
                .toList();
    }

    List<MrmEvent> reply(StepCommand command, AckOutcome outcome, long durationMs) {
        return h.feed(Acks.of(
                command,
                outcome,
                outcome == AckOutcome.SUCCEEDED ? null : "DENIED",
                "would " + command.action() + " " + command.step().stepIndex(),
                durationMs,
                Map.of(),
                h.now));
    }

    /** Answers every awaited command of the drill with success, each taking {@code ms}, until it ends. */
    void answerAll(long ms) {
        for (int guard = 0; guard < 20 && h.state.drill().status() == DrillRun.Status.RUNNING; guard++) {
            reply(running().get(0), AckOutcome.SUCCEEDED, ms);
        }
    }

    @Test
    void aDrillRunsTheRealPlanAsRehearsalsUnderTheCurrentEpochAndChangesNothingReal() {
        h.bothUp();
        ApplicationState before = h.state;
        List<MrmEvent> out = h.feed(drill("alice", null));

        FailoverDecision decision = one(out, FailoverDecision.class);
        assertThat(decision.kind()).isEqualTo(DecisionKind.DRILL);
        assertThat(decision.toRegion()).as("the standby when none is named").isEqualTo("us10");
        assertThat(decision.epoch())
                .as("before any real decision: 1, never a raised one")
                .isEqualTo(1);
        assertThat(decision.plan().stream().map(s -> s.action()).toList())
                .as("the real graceful plan, with its best-effort fence of the old database")
                .containsExactly(
                        StepAction.EVENTS_SET_STANDBY,
                        StepAction.DATA_DRAIN,
                        StepAction.DATA_PROMOTE,
                        StepAction.DATA_FENCE,
                        StepAction.EVENTS_SET_ACTIVE,
                        StepAction.DNS_ROUTE,
                        StepAction.DNS_VERIFY);
        assertThat(answer(out).accepted()).isTrue();
        answerAll(100);

        List<StepCommand> sent = of(h.all, StepCommand.class);
        assertThat(sent).hasSize(7);
        assertThat(sent).allMatch(c -> c.step().rehearsing() && c.step().epoch() == 1);
        assertThat(sent.stream().map(c -> c.step().stepIndex()).toList()).containsExactly(0, 1, 2, 3, 4, 5, 6);
        assertThat(h.state.epoch()).isZero();
        assertThat(h.state.highestEpochSeen())
                .as("a rehearsal's epoch is no news")
                .isZero();
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
        assertThat(h.state.lastDecisionId()).isEqualTo(before.lastDecisionId());
        assertThat(of(h.all.subList(h.all.indexOf(decision), h.all.size()), TopologyState.class))
                .as("the real topology does not move")
                .isEmpty();
        assertThat(h.state.drill().status()).isEqualTo(DrillRun.Status.COMPLETED);
        assertThat(alertCodes(h.all)).containsOnlyOnce("DRILL_COMPLETED").doesNotContain("DRILL_FAILED");
    }

    @Test
    void aDrillAfterARealFailoverCarriesThatEpochAndNeverRaisesIt() {
        h.failOver();
        h.completePlan();
        long epoch = h.state.epoch();
        FailoverDecision decision = one(h.feed(drill("alice", null)), FailoverDecision.class);
        assertThat(decision.toRegion()).isEqualTo("eu10");
        assertThat(decision.epoch()).isEqualTo(epoch);
        answerAll(10);
        assertThat(h.state.epoch()).isEqualTo(epoch);
        assertThat(h.state.highestEpochSeen()).isEqualTo(epoch);
    }

    @Test
    void aDrillIsRefusedWhileADecisionRunsAnotherDrillRunsOrTowardsTheActiveRegion() {
        h.bothUp();
        RequestOutcome toActive = answer(h.feed(drill("alice", "eu10")));
        assertThat(toActive.accepted()).isFalse();
        assertThat(toActive.reason()).contains("eu10 is already active");
        assertThat(answer(h.feed(drill("alice", "mars"))).reason()).contains("not a region");

        h.feed(drill("alice", null));
        RequestOutcome second = answer(h.feed(drill("bob", null)));
        assertThat(second.accepted()).isFalse();
        assertThat(second.reason()).contains("one drill at a time");

        h.feed(new AbortRequest(
                "abort-1",
                "orders",
                h.now,
                1,
                "alice",
                h.state.drill().decision().id(),
                "done"));
        h.feed(new ManualFailoverRequest(
                "mf-1", "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "move"));
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        RequestOutcome whileSwitching = answer(h.feed(drill("alice", null)));
        assertThat(whileSwitching.accepted()).isFalse();
        assertThat(whileSwitching.reason()).contains("only while the application is STEADY");
    }

    @Test
    void aFailedStepIsRecordedAndTheDrillGoesOnToTheNextSteps() {
        h.bothUp();
        h.feed(drill("alice", null));
        reply(running().get(0), AckOutcome.FAILED_FATAL, 40);
        assertThat(running()).as("the next step is sent at once").hasSize(1);
        assertThat(running().get(0).step().stepIndex()).isEqualTo(1);
        answerAll(10);

        assertThat(h.state.drill().status()).isEqualTo(DrillRun.Status.FAILED);
        Alert failed = of(h.all, Alert.class).stream()
                .filter(a -> a.code().equals("DRILL_FAILED"))
                .findFirst()
                .orElseThrow();
        assertThat(failed.severity().name()).isEqualTo("WARNING");
        assertThat(failed.message()).contains("1 failing step(s): step 0 (EVENTS_SET_STANDBY eu10)", "DENIED");
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void aRetriableFailureIsRetriedWithinTheStepsAttempts() {
        h.bothUp();
        h.feed(drill("alice", null));
        StepCommand first = running().get(0);
        reply(first, AckOutcome.FAILED_RETRIABLE, 5);
        assertThat(h.state.drill().steps().get(0).status()).isEqualTo(StepStatus.RUNNING);
        h.tick(h.policy.retryBackoff().plusMillis(1));
        StepCommand second = running().get(0);
        assertThat(second.step().stepIndex()).isZero();
        assertThat(second.step().attempt()).isEqualTo(2);
        assertThat(second.step().rehearsing()).isTrue();
    }

    @Test
    void aStepPastItsDeadlineIsRecordedAsTimedOutAndTheDrillGoesOn() {
        h.bothUp();
        h.feed(drill("alice", null));
        h.tick(h.policy.stepTimeout().plusSeconds(1));
        assertThat(h.state.drill().steps().get(0).status()).isEqualTo(StepStatus.FAILED);
        assertThat(h.state.drill().steps().get(0).detail()).startsWith(Drills.TIMED_OUT);
        assertThat(running()).extracting(c -> c.step().stepIndex()).containsExactly(1);
    }

    @Test
    void anOutageCancelsTheDrillFirstAndTheRealFailoverProceedsLateDrillAcksIgnored() {
        h.bothUp();
        h.feed(drill("alice", null));
        StepCommand inFlight = running().get(0);
        long epochBefore = h.state.epoch();

        List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN);
        FailoverDecision real = one(out, FailoverDecision.class);
        assertThat(real.kind()).isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
        assertThat(real.epoch()).as("raised by the real decision only").isEqualTo(epochBefore + 1);
        Alert cancelled = of(out, Alert.class).stream()
                .filter(a -> a.code().equals("DRILL_CANCELLED"))
                .findFirst()
                .orElseThrow();
        assertThat(out.indexOf(cancelled)).as("cancelled first").isLessThan(out.indexOf(real));
        assertThat(cancelled.message()).contains("AUTOMATIC_FAILOVER", real.id());
        assertThat(h.state.drill().status()).isEqualTo(DrillRun.Status.CANCELLED);

        DrillRun atCancel = h.state.drill();
        List<MrmEvent> late = reply(inFlight, AckOutcome.SUCCEEDED, 10);
        assertThat(late).as("a late drill answer does nothing").isEmpty();
        assertThat(h.state.drill()).isEqualTo(atCancel);

        h.completePlan();
        assertThat(h.state.activeRegion()).isEqualTo("us10");
        assertThat(h.state.epoch()).isEqualTo(epochBefore + 1);
        assertThat(alertCodes(h.all)).containsOnlyOnce("DRILL_CANCELLED");
    }

    @Test
    void aManualFailoverCancelsTheDrillToo() {
        h.bothUp();
        h.feed(drill("alice", null));
        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                "mf-1", "orders", h.now, 1, "bob", "us10", FailoverMode.GRACEFUL, List.of(), "move"));
        assertThat(alertCodes(out)).containsExactly("DRILL_CANCELLED");
        assertThat(one(out, FailoverDecision.class).kind()).isEqualTo(DecisionKind.MANUAL_FAILOVER);
    }

    @Test
    void thePredictedRtoAddsTheStepsMeasuredTimesCountingAParallelGroupOnce() {
        ApplicationPolicy p = CoreHarness.policy();
        h.use(withParallel(p, Set.of(StepAction.EVENTS_SET_ACTIVE)));
        h.bothUp();
        h.feed(drill("alice", null));
        // groups: [0 EVENTS_SET_STANDBY] [1 DATA_DRAIN] [2 DATA_PROMOTE, 4 EVENTS_SET_ACTIVE]
        // [3 DATA_FENCE (best-effort, sent once the promote is done), 5 DNS_ROUTE] [6 DNS_VERIFY]
        reply(running().get(0), AckOutcome.SUCCEEDED, 1_000);
        reply(running().get(0), AckOutcome.SUCCEEDED, 2_000);
        List<StepCommand> group = running();
        assertThat(group).extracting(c -> c.step().stepIndex()).containsExactly(2, 4);
        reply(group.get(0), AckOutcome.SUCCEEDED, 3_000);
        assertThat(running()).as("a parallel group waits for all its steps").hasSize(1);
        reply(group.get(1), AckOutcome.SUCCEEDED, 500);
        List<StepCommand> next = running();
        assertThat(next).extracting(c -> c.step().stepIndex()).containsExactly(3, 5);
        reply(next.get(0), AckOutcome.SUCCEEDED, 9_000); // a best-effort fence never holds a real plan up
        reply(next.get(1), AckOutcome.SUCCEEDED, 400);
        List<MrmEvent> out = reply(running().get(0), AckOutcome.SUCCEEDED, 100);

        assertThat(h.state.drill().stepsMs()).isEqualTo(1_000 + 2_000 + 3_000 + 400 + 100);
        Alert done = one(out, Alert.class);
        assertThat(done.code()).isEqualTo("DRILL_COMPLETED");
        assertThat(done.severity().name()).isEqualTo("INFO");
        assertThat(done.message())
                .contains("predicted RTO 6.5 s = steps 6.5 s", "detection not known yet", "no real run measured yet");
    }

    @Test
    void thePredictedRtoAddsTheLastAutomaticFailoversDetectionBesideItsMeasuredRto() {
        FailoverDecision real = h.failOver();
        h.completePlan();
        h.feed(drill("alice", null));
        answerAll(1_000);
        Alert done = of(h.all, Alert.class).stream()
                .filter(a -> a.code().equals("DRILL_COMPLETED"))
                .findFirst()
                .orElseThrow();
        assertThat(done.message())
                .contains("= detection ", "(the last automatic failover's) + steps ")
                .contains("last real run (AUTOMATIC_FAILOVER " + real.id() + ") measured RTO");
    }

    @Test
    void underTheTwoPersonRuleADrillIsProposedAndRunsOnceAnotherOperatorApproves() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        h.bothUp();
        List<MrmEvent> out = h.feed(drill("alice", null));
        FailoverDecision proposal = one(out, FailoverDecision.class);
        assertThat(proposal.status()).isEqualTo(DecisionStatus.PROPOSED);
        assertThat(answer(out).reason()).contains("mrmctl approve orders " + proposal.id());
        assertThat(of(out, StepCommand.class)).isEmpty();
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);

        RequestOutcome self =
                answer(h.feed(new ApproveRequest("ap-1", "orders", h.now, 1, "alice", proposal.id(), "ok")));
        assertThat(self.accepted()).isFalse();
        assertThat(self.reason()).contains("two-person rule");

        List<MrmEvent> approved = h.feed(new ApproveRequest("ap-2", "orders", h.now, 1, "bob", proposal.id(), "ok"));
        assertThat(answer(approved).accepted()).isTrue();
        FailoverDecision running = one(approved, FailoverDecision.class);
        assertThat(running.kind()).isEqualTo(DecisionKind.DRILL);
        assertThat(running.status()).isEqualTo(DecisionStatus.EXECUTING);
        assertThat(running.epoch()).isEqualTo(proposal.epoch());
        assertThat(one(approved, StepCommand.class).step().rehearsing()).isTrue();
    }

    @Test
    void replayingAJournalWithADrillReproducesIt() {
        List<JournalReplay.RecordedStep> journal = new ArrayList<>();
        CoreHarness recorded = new CoreHarness(CoreHarness.policy());
        java.util.function.Consumer<MrmEvent> feed = in -> {
            recorded.feed(in);
            journal.add(new JournalReplay.RecordedStep("orders", recorded.now, in));
        };
        for (int i = 0; i < 3; i++) {
            for (String v : CoreHarness.VANTAGES) {
                feed.accept(recorded.obs(v, "us10", HealthStatus.UP));
                feed.accept(recorded.obs(v, "eu10", HealthStatus.UP));
            }
        }
        feed.accept(new DrillRequest("d-1", "orders", recorded.now, 1, "alice", null, FailoverMode.GRACEFUL, "drill"));
        StepCommand first = of(recorded.all, StepCommand.class).get(0);
        feed.accept(Acks.of(first, AckOutcome.FAILED_FATAL, "DENIED", "no", 7, Map.of(), recorded.now));
        recorded.tick(Duration.ofMinutes(2));
        journal.add(new JournalReplay.RecordedStep("orders", recorded.now, null));
        assertThat(recorded.state.drill().steps().get(1).detail()).startsWith(Drills.TIMED_OUT);

        List<MrmEvent> replayed = JournalReplay.replay(recorded.core, journal);
        assertThat(replayed).isEqualTo(recorded.all);
        assertThat(of(replayed, FailoverDecision.class))
                .extracting(FailoverDecision::kind)
                .containsExactly(DecisionKind.DRILL);
    }

    static ApplicationPolicy withParallel(ApplicationPolicy p, Set<StepAction> parallel) {
        return new ApplicationPolicy(
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
                p.holdDown(),
                p.maxFailoversPerWindow(),
                p.failoverWindow(),
                p.plan(),
                p.reprotectPlan(),
                p.stepTimeout(),
                p.stepMaxAttempts(),
                p.retryBackoff(),
                parallel,
                p.twoPersonRule(),
                p.vantages(),
                p.maxObservationSkew(),
                p.proposalTimeout(),
                p.fenceTimeout(),
                p.fenceRetryInterval(),
                p.failoverDrainWithin(),
                java.util.Set.of(),
                ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
    }
}
