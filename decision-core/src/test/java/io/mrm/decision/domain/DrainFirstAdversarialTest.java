package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Adversarial scenarios against the drain-first automatic failover (commit 083cb19). Each test asserts
 * the safe behaviour; a failing test is a finding. Default plan of a drain-first failover eu10 -> us10:
 * 0 EVENTS_SET_STANDBY eu10, 1 DATA_DRAIN eu10, 2 DATA_PROMOTE us10, 3 DATA_FENCE* eu10,
 * 4 EVENTS_SET_ACTIVE us10, 5 EVENTS_SET_STANDBY* eu10, 6 DNS_ROUTE us10, 7 DNS_VERIFY us10.
 *
 * <p>After every test: a GRACEFUL promote is only sent after a DATA_DRAIN of the same decision was
 * acknowledged SUCCEEDED, and every promote goes to its decision's target.
 */
class DrainFirstAdversarialTest {

    static final Duration WITHIN = Duration.ofSeconds(30);

    final CoreHarness h = new CoreHarness(drainPolicy());
    /** decision id -> position in h.all when a DATA_DRAIN of it was first acknowledged SUCCEEDED. */
    final Map<String, Integer> drainSucceededAt = new HashMap<>();

    static ApplicationPolicy drainPolicy() {
        return CoreHarness.policy().withFailoverDrainWithin(WITHIN);
    }

    static ApplicationPolicy manualDrainPolicy() {
        ApplicationPolicy p = drainPolicy();
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
                DecisionMode.MANUAL,
                p.holdDown(),
                p.maxFailoversPerWindow(),
                p.failoverWindow(),
                p.plan(),
                p.reprotectPlan(),
                p.stepTimeout(),
                p.stepMaxAttempts(),
                p.retryBackoff(),
                p.parallelSteps(),
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

    // ---- helpers ----------------------------------------------------------------------------------

    static String id() {
        return UUID.randomUUID().toString();
    }

    List<MrmEvent> ack(StepCommand command, AckOutcome outcome) {
        return ack(command, outcome, null);
    }

    List<MrmEvent> ack(StepCommand command, AckOutcome outcome, Long fenceEpoch) {
        if (command.action() == StepAction.DATA_DRAIN && outcome == AckOutcome.SUCCEEDED) {
            drainSucceededAt.putIfAbsent(command.step().decisionId(), h.all.size());
        }
        return h.ack(command, outcome, fenceEpoch);
    }

    /** The latest command for a step of the current plan. */
    StepCommand cmd(int index) {
        String decision = h.state.run().decision().id();
        List<StepCommand> found = CoreHarness.of(h.all, StepCommand.class).stream()
                .filter(c -> c.step().decisionId().equals(decision) && c.step().stepIndex() == index)
                .toList();
        assertThat(found).as("a command for step " + index).isNotEmpty();
        return found.get(found.size() - 1);
    }

    static List<DataPromoteCommand> promotes(List<MrmEvent> events) {
        return CoreHarness.of(events, DataPromoteCommand.class);
    }

    static Instant bound(FailoverDecision d) {
        return d.time().plus(WITHIN);
    }

    StepStatus status(int index) {
        return h.state.run().steps().get(index).status();
    }

    List<MrmEvent> abort(FailoverDecision d) {
        return h.feed(new AbortRequest(id(), "orders", h.now, 1, "bob", d.id(), "stop"));
    }

    List<MrmEvent> resume(FailoverDecision d) {
        return h.feed(new ResumeRequest(id(), "orders", h.now, 1, "bob", d.id(), null));
    }

    /** Answers every awaited command of the current plan SUCCEEDED (ticking for due retries) until it ends. */
    void completePlan() {
        for (int guard = 0; guard < 60 && h.state.phase() == Phase.SWITCHING; guard++) {
            PlanRun run = h.state.run();
            StepCommand pending = CoreHarness.of(h.all, StepCommand.class).stream()
                    .filter(c -> c.step().decisionId().equals(run.decision().id()))
                    .filter(c -> c.step().epoch() == run.epoch())
                    .filter(c -> run.steps().get(c.step().stepIndex()).status() == StepStatus.RUNNING)
                    .filter(c -> c.step().attempt()
                            == run.steps().get(c.step().stepIndex()).attempts())
                    .filter(c -> run.timers().get(c.step().stepIndex()).attemptDeadline() != null)
                    .findFirst()
                    .orElse(null);
            if (pending == null) {
                h.tick(Duration.ofSeconds(1));
            } else {
                ack(pending, AckOutcome.SUCCEEDED);
            }
        }
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
    }

    @AfterEach
    void invariants() {
        Map<String, FailoverDecision> decisions = new HashMap<>();
        CoreHarness.of(h.all, FailoverDecision.class).forEach(d -> decisions.put(d.id(), d));
        for (int i = 0; i < h.all.size(); i++) {
            if (!(h.all.get(i) instanceof DataPromoteCommand p)) {
                continue;
            }
            FailoverDecision d = decisions.get(p.step().decisionId());
            assertThat(p.region())
                    .as("promote of " + p.step().decisionId() + " goes to its target")
                    .isEqualTo(d.toRegion());
            if (p.mode() == FailoverMode.GRACEFUL
                    && d.plan().stream().anyMatch(s -> s.action() == StepAction.DATA_DRAIN)) {
                Integer drained = drainSucceededAt.get(d.id());
                assertThat(drained != null && drained <= i)
                        .as("GRACEFUL promote " + p.step()
                                + " only after the DATA_DRAIN of its decision was acknowledged " + "SUCCEEDED")
                        .isTrue();
            }
        }
    }

    // ---- abort ------------------------------------------------------------------------------------

    @Test
    void abortDuringTheGracefulTryRecordsTheSplitAndNeverPromotesOrFallsBackOnItsOwn() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        StepCommand drain = cmd(1);
        abort(d);

        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().data()).isEqualTo("eu10");
        assertThat(h.state.placement().dns()).isEqualTo("eu10");
        assertThat(h.state.placement().events())
                .as("eu10's broker demoted, none active")
                .isNull();
        assertThat(h.state.fences()).isEmpty();

        ack(drain, AckOutcome.SUCCEEDED); // late
        h.wait(Duration.ofSeconds(90), Duration.ofSeconds(5)); // the bound passes while aborted
        assertThat(promotes(h.all)).isEmpty();
        assertThat(CoreHarness.alertCodes(h.all)).doesNotContain("FAILOVER_FELL_BACK");
    }

    @Test
    void abortAfterFallbackKeepsTheStartedFenceOfTheOldDatabaseOwed() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.FAILED_FATAL); // falls back at once
        assertThat(h.state.run().fellBack()).isTrue();
        ack(cmd(2), AckOutcome.SUCCEEDED); // the forced promote
        StepCommand fence = cmd(3);
        assertThat(fence.action()).isEqualTo(StepAction.DATA_FENCE);
        abort(d);

        assertThat(h.state.fences())
                .extracting(f -> f.duty().action() + " " + f.duty().region())
                .contains("DATA_FENCE eu10");
        ack(fence, AckOutcome.FAILED_RETRIABLE);
        assertThat(h.state.fences())
                .extracting(f -> f.duty().action() + " " + f.duty().region())
                .contains("DATA_FENCE eu10");
        assertThat(h.state.placement().data()).isEqualTo("us10");
    }

    @Test
    void abortAfterATimedFallbackDoesNotClaimTheOldBrokerActiveWhileItsDemoteMayHaveLanded() {
        FailoverDecision d = h.failOver();
        h.tick(WITHIN.plusSeconds(1)); // eu10's demote (step 0) in flight, unanswered: skipped
        assertThat(h.state.run().fellBack()).isTrue();
        assertThat(h.state.run().timers().get(0).unanswered()).isTrue();
        abort(d); // the forced promote is in flight

        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().events())
                .as("the demote of eu10's broker was in flight when the try was given up: it may have taken effect, "
                        + "so where the events are is unknown")
                .isNull();
    }

    @Test
    void aLateSuccessOfTheSkippedDemoteAfterTheAbortIsRecorded() {
        FailoverDecision d = h.failOver();
        StepCommand demote = cmd(0);
        h.tick(WITHIN.plusSeconds(1));
        abort(d);
        ack(demote, AckOutcome.SUCCEEDED); // it did land

        assertThat(h.state.run().steps().get(0).status())
                .as("the skipped demote's late success is recorded")
                .isEqualTo(StepStatus.SUCCEEDED);
        assertThat(h.state.placement().events())
                .as("eu10's broker is standby now")
                .isNotEqualTo("eu10");
    }

    // ---- resume -----------------------------------------------------------------------------------

    @Test
    void resumeOfAnAbortedFallenBackPlanStaysForced() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.FAILED_FATAL);
        abort(d); // forced promote in flight: split
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        List<MrmEvent> out = resume(d);

        assertThat(CoreHarness.answer(out).accepted()).isTrue();
        assertThat(promotes(out)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.FORCED);
        assertThat(CoreHarness.of(out, StepCommand.class))
                .noneMatch(c -> c.step().stepIndex() < 2);
    }

    @Test
    void resumeWithinTheBoundAfterAnAbortDuringTheTryStaysBoundedAndFallsBackAtTheBound() {
        FailoverDecision d = h.failOver();
        abort(d); // eu10's demote in flight
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        List<MrmEvent> out = resume(d);
        StepCommand demote = CoreHarness.command(out, StepAction.EVENTS_SET_STANDBY);
        assertThat(demote.step().deadline()).isEqualTo(bound(d));

        List<MrmEvent> later = h.tick(Duration.between(h.now, bound(d)).plusSeconds(1));
        assertThat(CoreHarness.alertCodes(later)).contains("FAILOVER_FELL_BACK");
        assertThat(promotes(later)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    @Test
    void resumeAfterAStaleRefusalOfTheGracefulPromotePastTheBoundSendsAForcedPromote() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        ack(cmd(1), AckOutcome.SUCCEEDED);
        ack(cmd(2), AckOutcome.REJECTED_STALE, 9L);
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
        h.tick(WITHIN.plusSeconds(30)); // the operator takes a while: the bound has passed
        List<MrmEvent> out = resume(d);

        assertThat(promotes(out))
                .as("a promote sent after the graceful try's bound, by a resume")
                .isNotEmpty()
                .allMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    @Test
    void resumeAfterAStaleRefusalOfTheDemotePastTheBoundFallsBackWithoutAnotherGracefulTry() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.REJECTED_STALE, 9L);
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
        h.tick(WITHIN.plusSeconds(30));
        List<MrmEvent> out = resume(d);

        assertThat(CoreHarness.alertCodes(out)).contains("FAILOVER_FELL_BACK");
        assertThat(CoreHarness.of(out, StepCommand.class))
                .as("no step of the graceful try is sent past its bound")
                .noneMatch(c -> c.step().stepIndex() < 2);
        assertThat(promotes(out)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    // ---- late, duplicate, reordered acks; the bound at an ack -----------------------------------------

    @Test
    void theGracefulPromotesLateSuccessAfterTheForcedAttemptWasSentCountsOnceAndThePlanCompletes() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        ack(cmd(1), AckOutcome.SUCCEEDED);
        DataPromoteCommand graceful = (DataPromoteCommand) cmd(2);
        assertThat(graceful.mode()).isEqualTo(FailoverMode.GRACEFUL);
        h.tick(Duration.between(h.now, graceful.step().deadline()).plusMillis(1));
        h.tick(Duration.ofSeconds(3));
        DataPromoteCommand forced = (DataPromoteCommand) cmd(2);
        assertThat(forced.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(forced.step().attempt()).isEqualTo(2);

        int before = h.all.size();
        ack(graceful, AckOutcome.SUCCEEDED); // late
        assertThat(status(2)).isEqualTo(StepStatus.SUCCEEDED);
        ack(forced, AckOutcome.SUCCEEDED); // and the forced one too
        ack(graceful, AckOutcome.SUCCEEDED); // duplicate
        List<MrmEvent> after = h.all.subList(before, h.all.size());
        assertThat(CoreHarness.of(after, StepCommand.class))
                .filteredOn(c -> c.step().stepIndex() == 4)
                .hasSize(1);
        assertThat(CoreHarness.of(after, StepCommand.class))
                .filteredOn(c -> c.step().stepIndex() == 3)
                .hasSize(1);

        completePlan();
        assertThat(h.state.activeRegion()).isEqualTo("us10");
        List<String> codes = CoreHarness.alertCodes(h.all);
        assertThat(codes).doesNotContain("PLAN_PAUSED");
        assertThat(codes.stream().filter(c -> c.equals("FAILOVER_FORCED") || c.equals("FAILOVER_DRAINED")))
                .hasSize(1);
        assertThat(promotes(h.all)).hasSize(2);
        assertThat(d.id()).isEqualTo(h.state.lastDecisionId());
    }

    @Test
    void duplicateAnswersDuringAndAfterTheTryDoNotDoubleCommandsOrFallbacks() {
        h.failOver();
        StepCommand demote = cmd(0);
        ack(demote, AckOutcome.SUCCEEDED);
        ack(demote, AckOutcome.SUCCEEDED);
        StepCommand drain = cmd(1);
        ack(drain, AckOutcome.SUCCEEDED);
        ack(drain, AckOutcome.SUCCEEDED);
        ack(demote, AckOutcome.SUCCEEDED); // reordered: an old duplicate after the drain
        assertThat(promotes(h.all)).hasSize(1).allMatch(p -> p.mode() == FailoverMode.GRACEFUL);
        StepCommand promote = cmd(2);
        ack(promote, AckOutcome.FAILED_FATAL); // the graceful promote cannot fence eu10: forced at once
        ack(promote, AckOutcome.FAILED_FATAL); // duplicate
        assertThat(CoreHarness.alertCodes(h.all).stream().filter("FAILOVER_FELL_BACK"::equals))
                .hasSize(1);
        assertThat(promotes(h.all)).hasSize(2);
        assertThat(promotes(h.all).get(1).mode()).isEqualTo(FailoverMode.FORCED);
        completePlan();
        assertThat(CoreHarness.alertCodes(h.all)).doesNotContain("PLAN_PAUSED");
    }

    @Test
    void aGracefulPromoteInFlightAtTheBoundThatThenFailsForGoodGoesOnForcedNotToAPause() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        ack(cmd(1), AckOutcome.SUCCEEDED);
        StepCommand graceful = cmd(2);
        assertThat(graceful.step().deadline()).isEqualTo(bound(d));
        h.tick(Duration.between(h.now, bound(d))); // a tick exactly at the bound: falls back, awaits the promote
        assertThat(h.state.run().fellBack()).isTrue();

        ack(graceful, AckOutcome.FAILED_FATAL); // "cannot fence the old primary": eu10's database is gone
        h.tick(Duration.ofSeconds(3));

        assertThat(CoreHarness.alertCodes(h.all))
                .as("falls back to forced, never to a pause")
                .doesNotContain("PLAN_PAUSED");
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        assertThat(promotes(h.all)).anyMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    @Test
    void aDrainAnsweredExactlyAtTheBoundSendsNoGracefulPromotePastIt() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        StepCommand drain = cmd(1);
        h.tick(Duration.between(h.now, bound(d)).minusMillis(100));
        List<MrmEvent> out = ack(drain, AckOutcome.SUCCEEDED); // processed at the bound
        assertThat(h.now).isEqualTo(bound(d));

        assertThat(promotes(out))
                .as("promotes sent at the bound")
                .isNotEmpty()
                .allMatch(p ->
                        p.mode() == FailoverMode.FORCED || !p.step().deadline().isAfter(bound(d)));
    }

    @Test
    void aDrainAnsweredJustAfterTheBoundStillCostsTheBoundAndNoMoreWhenTheOldDatabaseStopsAnswering() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        StepCommand drain = cmd(1);
        h.tick(Duration.between(h.now, bound(d)).minusMillis(50)); // the last tick before the bound
        ack(drain, AckOutcome.SUCCEEDED); // processed 50 ms past the bound, before any tick
        assertThat(h.now).isAfter(bound(d));
        // eu10's database stops answering: the graceful promote is never answered
        h.wait(Duration.ofSeconds(10), Duration.ofSeconds(1));

        assertThat(promotes(h.all))
                .as("a forced promote within seconds of the bound")
                .anyMatch(p -> p.mode() == FailoverMode.FORCED);
    }

    // ---- restore ----------------------------------------------------------------------------------

    @Test
    void aStateRestoredMidTrySendsNoPromote() {
        h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED); // drain in flight
        int before = h.all.size();
        h.restoreFromPublished();
        h.wait(Duration.ofSeconds(90), Duration.ofSeconds(5));

        assertThat(promotes(h.all.subList(before, h.all.size()))).isEmpty();
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().data()).isEqualTo("eu10");
    }

    @Test
    void aStateRestoredAfterATimedFallbackSendsNoGracefulPromoteAndDoesNotClaimTheOldBrokerActive() {
        h.failOver();
        h.tick(WITHIN.plusSeconds(1)); // demote in flight, skipped; forced promote in flight
        assertThat(h.state.run().fellBack()).isTrue();
        int before = h.all.size();
        h.restoreFromPublished();
        h.wait(Duration.ofSeconds(90), Duration.ofSeconds(5));

        assertThat(promotes(h.all.subList(before, h.all.size()))).noneMatch(p -> p.mode() == FailoverMode.GRACEFUL);
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().events())
                .as("eu10's demote was in flight when skipped: the events' region is unknown after the restore")
                .isNull();
    }

    // ---- manual mode ------------------------------------------------------------------------------

    @Test
    void anAutomaticFailoverProposedInManualModeAndApprovedLaterDrainsFirstWithTheBoundFromTheApproval() {
        h.use(manualDrainPolicy());
        h.bothUp();
        FailoverDecision proposal = CoreHarness.one(h.report("eu10", HealthStatus.DOWN), FailoverDecision.class);
        assertThat(proposal.status()).isEqualTo(DecisionStatus.PROPOSED);
        h.tick(Duration.ofSeconds(20));
        h.report("us10", HealthStatus.UP, 1, CoreHarness.VANTAGES);
        List<MrmEvent> out = h.feed(new ApproveRequest(id(), "orders", h.now, 1, "bob", proposal.id(), "ok"));
        FailoverDecision approved = CoreHarness.one(out, FailoverDecision.class);

        assertThat(approved.drainWithinMs()).isEqualTo(WITHIN.toMillis());
        assertThat(approved.time()).isEqualTo(h.now);
        StepCommand first = CoreHarness.command(out, StepAction.EVENTS_SET_STANDBY);
        assertThat(first.step().deadline()).isEqualTo(approved.time().plus(WITHIN));
        assertThat(CoreHarness.alertCodes(out)).doesNotContain("FAILOVER_FELL_BACK");
    }

    // ---- pending fences of the target -------------------------------------------------------------

    private FailoverDecision failBackToARegionOwedFences() {
        h.use(CoreHarness.policy());
        h.failOverLeavingBothFencesPending(); // eu10 owes DATA_FENCE and EVENTS_SET_STANDBY
        h.use(drainPolicy());
        h.feed(new AcknowledgeHoldDownRequest(id(), "orders", h.now, 1, "bob", "checked"));
        h.report("eu10", HealthStatus.UP);
        FailoverDecision back = CoreHarness.one(h.report("us10", HealthStatus.DOWN), FailoverDecision.class);
        assertThat(back.drainsFirst()).isTrue();
        assertThat(back.plan().subList(0, 2))
                .extracting(s -> s.action() + " " + s.region())
                .containsExactlyInAnyOrder("DATA_FENCE eu10", "EVENTS_SET_STANDBY eu10");
        assertThat(h.state.fences()).isEmpty(); // handed over to the plan
        return back;
    }

    @Test
    void theTargetsPendingFencesAreOwedAgainWhenTheDrainFirstPlanIsAbortedAfterFallback() {
        FailoverDecision back = failBackToARegionOwedFences();
        h.tick(WITHIN.plusSeconds(1)); // nothing answers: falls back
        assertThat(h.state.run().fellBack()).isTrue();
        abort(back);

        assertThat(h.state.fences())
                .extracting(f -> f.duty().action() + " " + f.duty().region())
                .contains("DATA_FENCE eu10", "EVENTS_SET_STANDBY eu10");
    }

    @Test
    void theTargetsPendingFencesAreOwedAgainWhenTheDrainFirstPlanIsAbortedDuringTheTry() {
        FailoverDecision back = failBackToARegionOwedFences();
        abort(back);

        assertThat(h.state.fences())
                .extracting(f -> f.duty().action() + " " + f.duty().region())
                .contains("DATA_FENCE eu10", "EVENTS_SET_STANDBY eu10");
    }

    @Test
    void theTargetsPendingFencesAreSupersededWhenTheFallenBackPlanCompletesAndNeverSentAfterItsPromote() {
        FailoverDecision back = failBackToARegionOwedFences();
        h.tick(WITHIN.plusSeconds(1));
        completePlan();

        assertThat(h.state.activeRegion()).isEqualTo("eu10");
        assertThat(h.state.fences()).noneMatch(f -> f.duty().region().equals("eu10"));
        int firstPromote = -1;
        for (int i = 0; i < h.all.size(); i++) {
            if (h.all.get(i) instanceof DataPromoteCommand p
                    && p.step().decisionId().equals(back.id())) {
                firstPromote = i;
                break;
            }
        }
        Map<String, FailoverDecision> decisions = new HashMap<>();
        CoreHarness.of(h.all, FailoverDecision.class).forEach(x -> decisions.put(x.id(), x));
        List<StepCommand> later = CoreHarness.of(h.all.subList(firstPromote, h.all.size()), StepCommand.class);
        assertThat(later)
                .as("no fence of eu10 after eu10 was promoted")
                .noneMatch(c -> decisions
                                .get(c.step().decisionId())
                                .plan()
                                .get(c.step().stepIndex())
                                .region()
                                .equals("eu10")
                        && (c.action() == StepAction.DATA_FENCE || c.action() == StepAction.EVENTS_SET_STANDBY));
    }

    // ---- outages during the try -------------------------------------------------------------------

    @Test
    void anOutageOfTheTargetDuringTheTryMakesNoSecondDecisionAndPromotesNothingElsewhere() {
        FailoverDecision d = h.failOver();
        ack(cmd(0), AckOutcome.SUCCEEDED);
        List<MrmEvent> out = h.report("us10", HealthStatus.DOWN);

        assertThat(CoreHarness.of(out, FailoverDecision.class)).isEmpty();
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        h.wait(Duration.ofSeconds(60), Duration.ofSeconds(5));
        assertThat(CoreHarness.of(h.all, FailoverDecision.class)).hasSize(1);
        assertThat(promotes(h.all)).allMatch(p -> p.region().equals("us10"));
        assertThat(d.id()).isEqualTo(h.state.lastDecisionId());
    }

    @Test
    void theCompletionAfterALateDemoteSuccessDoesNotSayTheOldBrokerWasNotDemoted() {
        h.failOver();
        StepCommand demote = cmd(0);
        h.tick(WITHIN.plusSeconds(1)); // demote skipped in flight
        ack(demote, AckOutcome.SUCCEEDED); // it landed, before the new broker was set active
        completePlan();

        Alert done = CoreHarness.of(h.all, Alert.class).stream()
                .filter(a -> a.code().equals("FAILOVER_FORCED"))
                .findFirst()
                .orElseThrow();
        assertThat(done.message()).doesNotContain("old broker not demoted");
    }

    static List<String> codes(List<MrmEvent> events) {
        return new ArrayList<>(CoreHarness.alertCodes(events));
    }
}
