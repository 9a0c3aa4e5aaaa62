package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.VANTAGES;
import static io.mrm.decision.domain.CoreHarness.alertCodes;
import static io.mrm.decision.domain.CoreHarness.answer;
import static io.mrm.decision.domain.CoreHarness.command;
import static io.mrm.decision.domain.CoreHarness.of;
import static io.mrm.decision.domain.CoreHarness.one;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * An adversarial review of the rewritten decision core: each test is named after a behaviour that
 * must hold, and each failed on the core as the review found it (the two marked {@code hardening_}
 * excepted: they document edge cases that already held). The comment above each test says what the
 * core did then, which promise that broke, and where the cause was; the fixes are in the parts named.
 */
class AdversarialReviewTest {

    CoreHarness h = new CoreHarness(CoreHarness.policy());
    int ids;

    // =================================================================================================
    // Split brain / fencing
    // =================================================================================================

    /**
     * A forced failover eu10 -> us10 leaves both fences of eu10 pending. eu10 is back; a failback runs
     * those fences as its first steps. The operator aborts it while its first step (eu10's broker to
     * standby) runs: the abort keeps both target fences as duties (PendingFences.keepAfterAbort) and the
     * application is DIVERGED. The operator takes the way out the DIVERGED alert offers: resume. The
     * resumed plan runs the fences and completes: eu10 is active. But resume never hands the duties over
     * (PlanExecution.resume does not call PendingFences.handOver), so they survive the completion and
     * PendingFences.retryDue then fences eu10's database and sets eu10's broker to standby: the engine
     * fences the region it just made active (an outage it causes itself, retried every 30 s until it
     * "succeeds").
     */
    @Test
    void resumingAnAbortedFailbackNeverLeavesFenceDutiesAgainstTheRegionItMadeActive() {
        h.failOverLeavingBothFencesPending();
        h.feed(new AcknowledgeHoldDownRequest(id("ack"), "orders", h.now, 1, "bob", "checked"));
        h.report("eu10", HealthStatus.UP); // the fences are sent at once; eu10's actuators do not answer them
        FailoverDecision failback = one(
                h.feed(new FailbackRequest(
                        id("fb"), "orders", h.now, 1, "bob", FailoverMode.GRACEFUL, List.of(), "eu10 is back")),
                FailoverDecision.class);
        assertThat(failback.plan().get(0).action()).isEqualTo(StepAction.EVENTS_SET_STANDBY);
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", failback.id(), "wrong moment"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(answer(h.feed(new ResumeRequest(id("res"), "orders", h.now, 1, "bob", failback.id(), null)))
                        .accepted())
                .isTrue();
        h.completePlan();
        assertThat(h.state.activeRegion()).isEqualTo("eu10");

        List<MrmEvent> later = new java.util.ArrayList<>();
        for (int i = 0; i < 18; i++) { // 90 s of monitors seeing both regions up
            later.addAll(h.tick(Duration.ofSeconds(5)));
            later.addAll(h.report("eu10", HealthStatus.UP, 1, VANTAGES));
            later.addAll(h.report("us10", HealthStatus.UP, 1, VANTAGES));
        }
        assertThat(of(later, StepCommand.class))
                .as("no fence of the active region is sent")
                .noneMatch(c -> isFence(c) && "eu10".equals(regionOf(c)));
        assertThat(h.state.fences())
                .as("no duty to fence the active region")
                .extracting(f -> f.duty().region())
                .doesNotContain("eu10");
    }

    /**
     * Same start as above (failback aborted while its first step, eu10's broker to standby, runs; the
     * abort turns that step into a duty; resume). The aborted attempt's answer then arrives: SUCCEEDED.
     * PendingFences.onAck takes it (the duty still waits for that attempt) and PendingFences.recordInRun
     * writes SUCCEEDED into step 0 of the *running* resumed plan — without advancing it; the resumed
     * attempt's own answer is then ignored (PlanExecution.onAck: status is not RUNNING). Nothing ever sends
     * step 1: the failback stays SWITCHING for good, with no alert and no automatic failover possible
     * (every plan ends). Were the late answer a failure, the step would be set FAILED and hang the same
     * way. Fix: hand duties over on resume, and never let a duty's answer rewrite a step of a run that is
     * not aborted.
     */
    @Test
    void aResumedFailbackIsNotStalledByTheLateAnswerToItsAbortedFirstAttempt() {
        h.failOverLeavingBothFencesPending();
        h.feed(new AcknowledgeHoldDownRequest(id("ack"), "orders", h.now, 1, "bob", "checked"));
        h.report("eu10", HealthStatus.UP);
        FailoverDecision failback = one(
                h.feed(new FailbackRequest(
                        id("fb"), "orders", h.now, 1, "bob", FailoverMode.GRACEFUL, List.of(), "eu10 is back")),
                FailoverDecision.class);
        StepCommand abortedAttempt = h.lastOf(StepAction.EVENTS_SET_STANDBY);
        assertThat(abortedAttempt.step().decisionId()).isEqualTo(failback.id());
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", failback.id(), "wrong moment"));
        h.feed(new ResumeRequest(id("res"), "orders", h.now, 1, "bob", failback.id(), null));
        StepCommand resumedAttempt = h.lastOf(StepAction.EVENTS_SET_STANDBY);
        assertThat(resumedAttempt.step().epoch())
                .isGreaterThan(abortedAttempt.step().epoch());

        h.ack(abortedAttempt, AckOutcome.SUCCEEDED); // it did take effect, after all
        List<MrmEvent> out = new java.util.ArrayList<>(h.ack(resumedAttempt, AckOutcome.SUCCEEDED));
        out.addAll(h.wait(Duration.ofMinutes(10), Duration.ofSeconds(10)));

        assertThat(of(out, StepCommand.class))
                .as("the failback goes on with its step 1")
                .anyMatch(c ->
                        c.step().decisionId().equals(failback.id()) && c.step().stepIndex() == 1);
    }

    /**
     * A forced failover eu10 -> us10 runs with eu10's database unreachable: DATA_FENCE eu10 fails, the
     * other steps succeed, DNS_VERIFY is still running when the engine's state is lost. Restore.midPlan
     * settles the application STEADY in us10 from the published steps, but the failed best-effort fence
     * is neither in the topology's fenceDuties (only completed or aborted plans put duties there) nor
     * rebuilt from the plan's steps: after the restore eu10's database may still be writable beside
     * us10's, with no pending fence and no FENCE_PENDING alert (split brain left unattended). Fix:
     * Restore.midPlan should keep the plan's started, unsucceeded fences of the region left as duties,
     * as PendingFences.keepAfterAbort does.
     */
    @Test
    void aRestoreOfAnInterruptedForcedFailoverKeepsItsUnfinishedFencesAsDuties() {
        h.failOver();
        // DNS_VERIFY sent, not answered
        h.answerForcedPlan(
                AckOutcome.SUCCEEDED,
                AckOutcome.FAILED_RETRIABLE,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED,
                null);
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);

        List<MrmEvent> out = h.restoreFromPublished();

        assertThat(h.state.activeRegion()).isEqualTo("us10");
        assertThat(h.state.fences())
                .as("eu10's database was never fenced")
                .extracting(f -> f.duty().action(), f -> f.duty().region())
                .contains(org.assertj.core.groups.Tuple.tuple(StepAction.DATA_FENCE, "eu10"));
        assertThat(alertCodes(out)).contains("FENCE_PENDING");
    }

    /**
     * Duties of a forced failover D1 (both eu10 fences) are published while the latest decision is a
     * two-person proposal P. After a state loss Restore.fences gives every duty whose decision is not the
     * topology's lastDecisionId step index 0 and 0 attempts, so both retries carry the very same StepRef
     * (D1, epoch, 0, 1, deadline). PendingFences.onAck matches acks by that ref alone (not by action), so
     * the event actuator's success for eu10's broker completes whichever duty comes first — here the
     * DATA_FENCE of eu10's database, which nobody performed: FENCE_COMPLETED for a database that may still
     * be writable beside us10's (two writable databases with no pending fence), while the broker fence
     * that did succeed stays pending. Fix: match acks on the action too, and give restored duties distinct
     * step indices (or carry the index in FenceDuty).
     */
    @Test
    void aRestoredFenceIsCompletedOnlyByAnAnswerToThatFence() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        h.failOverLeavingBothFencesPending();
        RequestOutcome proposed = answer(h.feed(new FailbackRequest(
                id("fb"),
                "orders",
                h.now,
                1,
                "alice",
                FailoverMode.GRACEFUL,
                List.of(SafetyRule.STANDBY_HEALTHY),
                "back when eu10 returns")));
        assertThat(proposed.reason()).startsWith("proposed");
        h.restoreFromPublished();
        assertThat(h.state.fences()).hasSize(2);
        List<MrmEvent> retried = h.tick(Duration.ofSeconds(1));
        List<StepCommand> fences = of(retried, StepCommand.class);
        assertThat(fences).hasSize(2);
        StepAction first = h.state.fences().get(0).duty().action();
        StepCommand other =
                fences.stream().filter(c -> c.action() != first).findFirst().orElseThrow();

        h.ack(other, AckOutcome.SUCCEEDED); // only the other fence succeeded

        assertThat(h.state.fences())
                .as("the fence nobody answered is still pending")
                .extracting(f -> f.duty().action())
                .containsExactly(first);
    }

    /**
     * The DIVERGED way out by "fail over to the region DNS points at": a graceful switch eu10 -> us10 is
     * aborted after us10's database was promoted (DIVERGED: DNS eu10, data us10). The operator switches to
     * eu10; the plan starts from that split placement (it is kept in the state and published in the
     * topology). After its first step (us10's broker to standby) the state is lost. Restore.midPlan
     * replays the published steps on ComponentPlacement.all(activeRegion) instead of on the published
     * placement, concludes DNS, data and events are all in eu10, and restores STEADY in eu10 — while the
     * writable database is us10's (eu10's was never promoted back). DNS points at a region whose database
     * was not promoted, and the engine says everything is fine. Fix: start the tracker from
     * last.placement() when the topology has one.
     */
    @Test
    void aRestoreMidwayThroughAPlanStartedWhileDivergedKeepsTheSplitItStartedFrom() {
        gracefulSwitchAbortedAfterThePromote();
        assertThat(h.state.placement().data()).isEqualTo("us10");
        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                id("m"), "orders", h.now, 1, "bob", "eu10", FailoverMode.GRACEFUL, List.of(), "back to one region"));
        assertThat(answer(out).accepted()).as(answer(out).reason()).isTrue();
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED); // us10's broker to standby
        assertThat(h.published.placement().data()).isEqualTo("us10");

        h.restoreFromPublished();

        assertThat(h.state.phase()).as("data is still in us10, DNS in eu10").isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().data()).isEqualTo("us10");
    }

    /**
     * Two-person rule. An approved switch eu10 -> us10 is aborted after the promote: DIVERGED (DNS eu10,
     * data us10). Someone proposes the way out (a switch to eu10); while it waits the state is lost. The
     * topology published during the proposal says phase PROPOSED with the split placement, but
     * Restore.from maps PROPOSED to STEADY and drops the placement: the engine now says everything is in
     * eu10, where DNS points but whose database is not the writable one, and allows automatic failovers
     * out of a split state. Fix: restore PROPOSED to the proposal's resting phase (DIVERGED when the
     * topology has a placement).
     */
    @Test
    void aRestoreWhileAProposalMadeWhileDivergedWaitsStaysDiverged() {
        approvedSwitchAbortedAfterThePromote();
        one(
                h.feed(new ManualFailoverRequest(
                        id("m"),
                        "orders",
                        h.now,
                        1,
                        "alice",
                        "eu10",
                        FailoverMode.GRACEFUL,
                        List.of(),
                        "back to one region")),
                FailoverDecision.class);
        assertThat(h.published.phase()).isEqualTo(Phase.PROPOSED);
        assertThat(h.published.placement().data()).isEqualTo("us10");

        h.restoreFromPublished();

        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement()).isNotNull();
    }

    /**
     * Pending fences are only retried in STEADY or DIVERGED (PendingFences.retryDue returns in any other
     * phase). While a two-person failback proposal waits (up to proposal-timeout, 30 min by default) a
     * fence of eu10 that just failed is not retried at all, though eu10 is up and answering: eu10's
     * database may stay writable beside us10's for half an hour. README: "tried again every
     * fence-retry-interval ... until it succeeds". Fix: retry pending fences in PROPOSED (and in any phase
     * whose plan does not already run them).
     */
    @Test
    void pendingFencesAreRetriedWhileAProposalWaits() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        h.failOverLeavingBothFencesPending();
        List<MrmEvent> whenBack = h.report("eu10", HealthStatus.UP);
        for (StepCommand c : of(whenBack, StepCommand.class)) {
            h.ack(c, AckOutcome.FAILED_RETRIABLE); // e.g. the actuator's session is not up yet
        }
        answer(h.feed(new FailbackRequest(
                id("fb"), "orders", h.now, 1, "alice", FailoverMode.GRACEFUL, List.of(), "eu10 is back")));
        assertThat(h.state.phase()).isEqualTo(Phase.PROPOSED);

        List<MrmEvent> out = new java.util.ArrayList<>();
        for (int i = 0; i < 24; i++) { // two minutes, monitors seeing both regions up
            out.addAll(h.tick(Duration.ofSeconds(5)));
            out.addAll(h.report("eu10", HealthStatus.UP, 1, VANTAGES));
            out.addAll(h.report("us10", HealthStatus.UP, 1, VANTAGES));
        }
        assertThat(of(out, StepCommand.class))
                .as("fences retried every 30 s")
                .extracting(StepCommand::action)
                .contains(StepAction.DATA_FENCE);
    }

    // =================================================================================================
    // Outages and exceptions
    // =================================================================================================

    /**
     * A monitor's DOWN report may carry a detail of up to 2048 characters (HealthObservation allows it).
     * HealthAssessment.evidence prefixes it with "3 consecutive failures: ", and the Evidence record
     * refuses details over 2048 characters: the step that would decide the failover throws. The host
     * dead-letters that observation (DecisionProcessor), the state is not updated, and every later
     * observation that completes the quorum throws the same way: eu10 is down, no decision and no alert
     * (a silent outage), and a tick over such a state throws out of the punctuator. The same cause
     * (texts built from inputs without a bound) appears in PlanExecution (ack details into StepProgress
     * and PLAN_PAUSED), Divergence/RequestHandling (abort reasons into alerts) and RequestHandling (a
     * two-person request's reason plus the appended note). Fix: truncate at every concatenation into a
     * bounded field.
     */
    @Test
    void aMonitorsLongFailureDetailDoesNotStopTheFailover() {
        h.bothUp();
        String detail = "x".repeat(io.mrm.events.Require.MAX_TEXT);
        assertThatCode(() -> {
                    for (int round = 0; round < 3; round++) {
                        for (String vantage : VANTAGES) {
                            HealthObservation o = h.obs(vantage, "eu10", HealthStatus.DOWN);
                            h.feed(new HealthObservation(
                                    o.id(),
                                    o.applicationId(),
                                    o.time(),
                                    o.schemaVersion(),
                                    o.region(),
                                    o.component(),
                                    o.probe(),
                                    o.vantage(),
                                    o.status(),
                                    o.latencyMs(),
                                    detail,
                                    o.vantageRegion(),
                                    o.monitorRun(),
                                    o.sequence()));
                        }
                    }
                })
                .doesNotThrowAnyException();
        assertThat(of(h.all, FailoverDecision.class)).hasSize(1);
    }

    /**
     * An abort whose reason has the 2048 characters AbortRequest allows: Divergence.afterAbort (or
     * RequestHandling for a proposal) puts the reason into the PLAN_ABORTED/DIVERGED alert's message, which
     * Alert refuses above 2048 characters: step throws, the host dead-letters the request, and it is never
     * answered (every request answered exactly once) — and the plan the operator wanted stopped runs on.
     */
    @Test
    void anAbortWithTheLongestReasonAllowedIsAnsweredAndStopsThePlan() {
        FailoverDecision decision = h.failOver();
        String reason = "y".repeat(io.mrm.events.Require.MAX_TEXT);
        assertThatCode(() -> h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", decision.id(), reason)))
                .doesNotThrowAnyException();
        assertThat(answer(h.all.subList(h.all.size() - 3, h.all.size())).accepted())
                .isTrue();
        assertThat(h.state.phase()).isNotEqualTo(Phase.SWITCHING);
    }

    /**
     * An actuator's failure detail of the 2048 characters CommandAck allows: PlanExecution.onAck builds
     * "FAILED_FATAL X: " + detail, and the StepProgress it records refuses it: step throws, the ack is
     * dead-lettered, the step waits for its deadline and is retried — a fatal failure never pauses the
     * plan with its reason.
     */
    @Test
    void anActuatorsLongFailureDetailPausesThePlan() {
        h.failOver();
        StepCommand promote = command(h.all, StepAction.DATA_PROMOTE);
        String detail = "z".repeat(io.mrm.events.Require.MAX_TEXT);
        assertThatCode(() -> h.feed(Acks.of(promote, AckOutcome.FAILED_FATAL, "X", detail, 5, Map.of(), h.now)))
                .doesNotThrowAnyException();
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
    }

    /**
     * AUTOMATIC mode with the two-person rule. eu10 is down: the engine fails over; DATA_PROMOTE fails
     * fatally and the operator aborts (nothing moved: STEADY in eu10, and the automatic failover is
     * suppressed for this outage). The operator acknowledges the hold-down and, eu10 still down, asks for
     * a switch to us10, which waits for a second person. In the same step AutomaticFailover.reviewProposal
     * sees eu10 down and nothing blocking, drops the proposal with PROPOSAL_SUPERSEDED ("superseded by an
     * automatic failover to us10") — and evaluate() then skips considerFailover because SUPPRESSED is
     * still raised. Result: no proposal, no decision, eu10 down and an alert that claims a failover that
     * never happens; the approver's approve is refused ("STEADY, not PROPOSED"). Fix: supersede only when
     * the automatic failover will actually run (check SUPPRESSED), or let an operator's switch clear it.
     */
    @Test
    void aProposalSupersededByAnOutageIsFollowedByTheFailoverThatSupersededIt() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        FailoverDecision automatic = h.failOver();
        h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.FAILED_FATAL);
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", automatic.id(), "not like this"));
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        h.feed(new AcknowledgeHoldDownRequest(id("ack"), "orders", h.now, 1, "bob", "checked"));

        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                id("m"),
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.GRACEFUL,
                List.of(),
                "eu10 is down, switch"));

        assertThat(answer(out).accepted()).isTrue();
        if (alertCodes(out).contains("PROPOSAL_SUPERSEDED")) {
            assertThat(of(out, FailoverDecision.class))
                    .as("the failover the alert announces")
                    .anyMatch(d -> d.status() == DecisionStatus.EXECUTING);
        }
        assertThat(h.state.phase())
                .as("eu10 is down: a proposal waits or a plan runs")
                .isIn(Phase.PROPOSED, Phase.SWITCHING);
    }

    /**
     * A forced failover eu10 -> us10 is aborted while DNS_ROUTE runs: data and events are in us10, DNS
     * unknown (it may already point at us10). Divergence.diverge leaves activeRegion at eu10 when DNS is
     * unknown, and AutomaticFailover.evaluate only watches activeRegion. eu10 recovers (the earlier
     * OUTAGE_WHILE_DIVERGED clears); then us10 — which holds the writable database, the active broker and
     * perhaps the traffic — goes down: no decision, no alert (a silent outage). Fix: while DIVERGED, raise
     * OUTAGE_WHILE_DIVERGED for an outage of any region that holds a component or may hold DNS.
     */
    @Test
    void whileDivergedAnOutageOfTheRegionHoldingTheDataIsNotSilent() {
        FailoverDecision decision = h.failOver();
        h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.SUCCEEDED);
        h.ack(command(h.all, StepAction.DATA_FENCE), AckOutcome.SUCCEEDED);
        h.ack(command(h.all, StepAction.EVENTS_SET_ACTIVE), AckOutcome.SUCCEEDED);
        h.ack(h.lastOf(StepAction.EVENTS_SET_STANDBY), AckOutcome.SUCCEEDED);
        command(h.all, StepAction.DNS_ROUTE); // running
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", decision.id(), "stop"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().data()).isEqualTo("us10");
        assertThat(h.state.placement().dns()).isNull();
        h.report("eu10", HealthStatus.UP);

        List<MrmEvent> out = h.report("us10", HealthStatus.DOWN);

        assertThat(of(out, FailoverDecision.class)).isEmpty();
        assertThat(alertCodes(out))
                .as("us10 holds the data and events, and maybe DNS")
                .isNotEmpty();
    }

    // =================================================================================================
    // Hold-down, proposals, clocks
    // =================================================================================================

    /**
     * A forced failover eu10 -> us10 pauses on its last step (DNS_VERIFY) for two hours; then the engine's
     * state is lost. Restore.midPlan settles it STEADY in us10 (everything moved), which ends the switch,
     * but keeps the topology's holdDownUntil — set when the plan *started*, long expired. us10 then fails
     * and the engine flips straight back to eu10: README: "hold-down ... counted from the moment the plan
     * completes — a plan paused for hours is not followed by an automatic flip back". Fix: a restore that
     * ends an interrupted plan extends the hold-down from now (w.extendHoldDown()).
     */
    @Test
    void aRestoreThatEndsALongPausedPlanStartsTheHoldDown() {
        h.failOver();
        h.answerForcedPlan(
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED,
                AckOutcome.FAILED_FATAL);
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
        h.now = h.now.plus(Duration.ofHours(2));

        h.restoreFromPublished();
        assertThat(h.state.activeRegion()).isEqualTo("us10");
        h.report("eu10", HealthStatus.UP);
        List<MrmEvent> out = h.report("us10", HealthStatus.DOWN);

        assertThat(of(out, FailoverDecision.class))
                .as("no automatic flip back seconds after the switch ended")
                .isEmpty();
    }

    /**
     * Under the two-person rule a proposal waits; monitors keep reporting. The proposal times out at
     * T+30 min, and the approver's approve is the first input after that instant. DecisionCore.step
     * handles the request (RequestHandling.approve: phase is still PROPOSED) before evaluate() lets
     * AutomaticFailover.reviewProposal expire it, so an expired proposal executes. Fix: apply the
     * time-driven rules (proposal expiry at least) before handling an accepted request.
     */
    @Test
    void anApproveArrivingAfterTheProposalExpiredIsRefused() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        h.bothUp();
        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                id("m"), "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned"));
        FailoverDecision proposal = one(out, FailoverDecision.class);
        java.time.Instant expiry = proposal.time().plus(h.policy.proposalTimeout());
        while (h.now.plusSeconds(10).isBefore(expiry)) {
            h.tick(Duration.ofSeconds(5));
            h.report("us10", HealthStatus.UP, 1, VANTAGES);
            h.report("eu10", HealthStatus.UP, 1, VANTAGES);
        }
        h.now = expiry.plusMillis(400);

        RequestOutcome approve =
                answer(h.feed(new ApproveRequest(id("ap"), "orders", h.now, 1, "bob", proposal.id(), "ok")));

        assertThat(approve.accepted()).as("the proposal expired at " + expiry).isFalse();
        assertThat(h.state.phase()).isNotEqualTo(Phase.SWITCHING);
    }

    /**
     * The engine and the monitors share an NTP source that ran 10 min ahead; it is corrected (the clocks
     * step back 10 min). us10's monitors stop reporting at that moment. HealthCounter.lastSeen keeps the
     * pre-correction times, 10 min "in the future", and isFresh counts them fresh for the next 10.5 min.
     * Five minutes after the correction eu10 fails and the engine fails over to us10, which nobody has
     * heard from for five minutes (never a failover towards a target a quorum of fresh vantages did not
     * see UP). Fix: clamp stored lastSeen to now when the clock is behind it (so freshness runs at most
     * stale-after on the new clock).
     */
    @Test
    void freshnessDoesNotOutliveAStepBackOfTheClock() {
        h.now = h.now.plus(Duration.ofMinutes(10)); // everyone's clock is 10 min ahead
        h.bothUp();
        h.now = h.now.minus(Duration.ofMinutes(10)); // NTP corrects: back 10 min; us10's monitors fall silent
        for (int i = 0; i < 60; i++) { // five minutes of eu10 reports only
            h.tick(Duration.ofSeconds(5));
            h.report("eu10", HealthStatus.UP, 1, VANTAGES);
        }

        List<MrmEvent> out = h.report("eu10", HealthStatus.DOWN);

        assertThat(of(out, FailoverDecision.class))
                .as("us10 was last heard of five minutes ago")
                .isEmpty();
    }

    // =================================================================================================
    // Divergence: late answers
    // =================================================================================================

    /**
     * An automatic failover is aborted while DATA_PROMOTE runs: data unknown, DIVERGED. The promote's
     * answer then arrives: FAILED_FATAL, i.e. it did not take effect, so everything is in eu10.
     * PlanExecution.lateAnswer records it but only calls Divergence.recordLateEffect on a success: the
     * application stays DIVERGED for good, with every automatic failover disabled (README: answers that
     * still arrive "update the placement (CONVERGED when everything turns out in one region)").
     */
    @Test
    void aLateFailureAfterAnAbortConvergesWhenItShowsNothingMoved() {
        FailoverDecision decision = h.failOver();
        StepCommand promote = command(h.all, StepAction.DATA_PROMOTE);
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", decision.id(), "stop"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);

        List<MrmEvent> out = h.ack(promote, AckOutcome.FAILED_FATAL);

        assertThat(h.state.run().step(0).status()).isEqualTo(StepStatus.FAILED);
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
        assertThat(alertCodes(out)).contains("CONVERGED");
    }

    /**
     * A forced failover is aborted while only its best-effort broker fence of eu10 (and DNS_VERIFY) run:
     * DNS, data and us10's broker have moved, eu10's broker is unknown: DIVERGED. The fence's answer
     * SUCCEEDED arrives; PendingFences.onAck takes it (the fence became a duty at the abort), records it
     * in the run and alerts FENCE_COMPLETED — but nobody recomputes the placement
     * (Divergence.recordLateEffect is only called from PlanExecution.lateAnswer): the application stays
     * DIVERGED although every component is in us10.
     */
    @Test
    void aLateFenceAnswerAfterAnAbortConvergesWhenItShowsEverythingInOneRegion() {
        FailoverDecision decision = h.failOver();
        h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.SUCCEEDED);
        h.ack(command(h.all, StepAction.DATA_FENCE), AckOutcome.SUCCEEDED);
        h.ack(command(h.all, StepAction.EVENTS_SET_ACTIVE), AckOutcome.SUCCEEDED);
        StepCommand brokerFence = h.lastOf(StepAction.EVENTS_SET_STANDBY);
        h.ack(command(h.all, StepAction.DNS_ROUTE), AckOutcome.SUCCEEDED);
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", decision.id(), "stop"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);

        List<MrmEvent> out = h.ack(brokerFence, AckOutcome.SUCCEEDED);

        assertThat(alertCodes(out)).contains("CONVERGED");
        assertThat(h.state.fences()).isEmpty();
        assertThat(h.state.phase())
                .as("DNS, data and the only active broker are in us10")
                .isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("us10");
    }

    /**
     * Two-person rule. An approved switch eu10 -> us10 is aborted after the promote: DIVERGED, and the
     * DIVERGED alert says "resume <decision>". Someone proposes a switch to one region (allowed while
     * DIVERGED); the approver rejects it. The proposal replaced the aborted run (PlanExecution.propose),
     * so the resume the alert offers is refused ("not the current decision") — README: resume is accepted
     * for "an aborted one that left the components split (DIVERGED)" — and the aborted plan's late
     * answers are dropped from then on, the placement frozen. Fix: keep the aborted run beside a proposal
     * (or restore it when the proposal ends).
     */
    @Test
    void theAbortedPlanCanStillBeResumedAfterAProposalMadeWhileDivergedIsRejected() {
        FailoverDecision approved = approvedSwitchAbortedAfterThePromote();
        FailoverDecision toOne = one(
                h.feed(new ManualFailoverRequest(
                        id("m"),
                        "orders",
                        h.now,
                        1,
                        "alice",
                        "eu10",
                        FailoverMode.GRACEFUL,
                        List.of(),
                        "back to one region")),
                FailoverDecision.class);
        h.feed(new RejectRequest(id("rj"), "orders", h.now, 1, "bob", toOne.id(), "no, finish the switch"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);

        RequestOutcome resume =
                answer(h.feed(new ResumeRequest(id("res"), "orders", h.now, 1, "bob", approved.id(), null)));

        assertThat(resume.accepted()).as(resume.reason()).isTrue();
    }

    // =================================================================================================
    // Epochs
    // =================================================================================================

    /**
     * The HANA actuator refuses a fence duty's retry as stale and reports the epoch it holds (41, e.g.
     * from a previous engine). PendingFences.send always sends w.epoch (1): every retry is refused again,
     * forever, and the duty never completes though eu10 answers — only a failback (whose plan would pause
     * on STALE_EPOCH and need a resume) gets past it. Fix: after a stale refusal of a fence, send the next
     * attempt under a new epoch above the reported one.
     */
    @Test
    void aFenceRetryRefusedAsStaleIsRetriedAboveTheActuatorsEpoch() {
        h.failOverLeavingBothFencesPending();
        List<MrmEvent> retried = h.tick(Duration.ofSeconds(31));
        StepCommand fence = of(retried, StepCommand.class).stream()
                .filter(c -> c.action() == StepAction.DATA_FENCE)
                .findFirst()
                .orElseThrow();
        h.ack(fence, AckOutcome.REJECTED_STALE, 41L);

        List<MrmEvent> again = h.tick(Duration.ofSeconds(31));
        StepCommand next = of(again, StepCommand.class).stream()
                .filter(c -> c.action() == StepAction.DATA_FENCE)
                .findFirst()
                .orElseThrow();

        assertThat(next.step().epoch()).as("above the actuator's 41").isGreaterThan(41);
    }

    /**
     * An actuator refuses a forced failover's promote as stale, holding epoch 41; the plan pauses (the
     * state knows 41 as highestEpochSeen). The state is lost; the topology carries only the epoch (1), so
     * Restore starts from 1 and the next decision takes epoch 2 — at or below an epoch an actuator has
     * reported (the promise: never a new epoch at or below one reported by an actuator's fenceEpoch). Its
     * commands are all refused until another stale round trip. Fix: publish highestEpochSeen in the
     * topology (or publish max(epoch, highestEpochSeen)) and restore it.
     */
    @Test
    void anEpochAnActuatorReportedIsNeverIssuedAgainAfterARestore() {
        h.failOver();
        h.ack(command(h.all, StepAction.DATA_PROMOTE), AckOutcome.REJECTED_STALE, 41L);
        assertThat(h.state.highestEpochSeen()).isEqualTo(41);
        h.restoreFromPublished();
        h.bothUp();

        List<MrmEvent> out = h.feed(new ManualFailoverRequest(
                id("m"), "orders", h.now, 1, "bob", "us10", FailoverMode.GRACEFUL, List.of(), "finish the switch"));

        assertThat(one(out, FailoverDecision.class).epoch()).isGreaterThan(41);
    }

    /**
     * A topology record with epoch 0 and a fence duty (valid by TopologyState's own checks) restores
     * fine, but the next tick throws: PendingFences.send builds a StepRef with epoch 0, which StepRef
     * refuses. The tick punctuator (DecisionProcessor.tickAll) catches only UnknownApplicationException.
     * Fix: Restore should never leave an epoch below 1 when it restores duties (or send fences under
     * max(1, epoch)).
     */
    @Test
    void aRestoredFenceDutyUnderEpochZeroDoesNotMakeTicksThrow() {
        TopologyState last = new TopologyState(
                "topo-1",
                "orders",
                h.now,
                1,
                0,
                "us10",
                "eu10",
                Phase.STEADY,
                false,
                null,
                "decision-1",
                List.of(),
                null,
                List.of(new FenceDuty(StepAction.DATA_FENCE, "eu10", "decision-1")),
                null,
                java.util.List.of(),
                java.util.List.of());
        h.feed(last);

        assertThatCode(() -> h.tick(Duration.ofSeconds(1))).doesNotThrowAnyException();
        assertThat(of(h.all, StepCommand.class)).isNotEmpty();
    }

    // =================================================================================================
    // Hardening checked: these two passed already when the review ran. They document edge cases the
    // review tried and found handled; they are not findings.
    // =================================================================================================

    /** PASSES (hardening): exactly max-observation-skew ahead is taken, counted from the engine's clock; 1 ms more is refused. */
    @Test
    void hardening_anObservationExactlyAtTheSkewIsTakenAndCountsFromTheEnginesClock() {
        h.bothUp();
        h.feed(h.obs(
                "vantage-1",
                "eu10",
                "app",
                HealthStatus.UP,
                h.now.plusMillis(100).plus(h.policy.maxObservationSkew())));
        assertThat(h.lastRefusal).isNull();
        assertThat(counter("eu10", "vantage-1").lastSeen()).isEqualTo(h.now);
        h.feed(h.obs(
                "vantage-1",
                "eu10",
                "app",
                HealthStatus.UP,
                h.now.plusMillis(101).plus(h.policy.maxObservationSkew())));
        assertThat(h.lastRefusal.reason()).isEqualTo(InputRefusal.Reason.CLOCK_SKEW);
    }

    /** PASSES (hardening): a restarted monitor (new run, numbering from 1) is heard; a replay within a run is dropped. */
    @Test
    void hardening_aRestartedMonitorIsHeardAndAReplayWithinARunIsDropped() {
        h.bothUp();
        HealthObservation afterRestart = new HealthObservation(
                "restart-1",
                "orders",
                h.now.plusMillis(100),
                1,
                "eu10",
                "app",
                io.mrm.events.observation.ProbeKind.HTTP,
                "vantage-1",
                HealthStatus.DOWN,
                3L,
                "HTTP 503",
                null,
                "run-b",
                1L);
        h.feed(afterRestart);
        assertThat(counter("eu10", "vantage-1").consecutiveFailures()).isEqualTo(1);
        h.feed(new HealthObservation(
                "restart-1-again",
                "orders",
                h.now.plusMillis(100),
                1,
                "eu10",
                "app",
                io.mrm.events.observation.ProbeKind.HTTP,
                "vantage-1",
                HealthStatus.DOWN,
                3L,
                "HTTP 503",
                null,
                "run-b",
                1L));
        assertThat(counter("eu10", "vantage-1").consecutiveFailures())
                .as("the replay is dropped")
                .isEqualTo(1);
    }

    // =================================================================================================
    // helpers
    // =================================================================================================

    String id(String prefix) {
        return prefix + "-" + ++ids;
    }

    /** A graceful switch eu10 -> us10 aborted after the promote, while us10's broker was being set active. */
    FailoverDecision gracefulSwitchAbortedAfterThePromote() {
        h.bothUp();
        FailoverDecision decision = one(
                h.feed(new ManualFailoverRequest(
                        id("m"),
                        "orders",
                        h.now,
                        1,
                        "alice",
                        "us10",
                        FailoverMode.GRACEFUL,
                        List.of(),
                        "planned switchover")),
                FailoverDecision.class);
        for (StepAction action :
                List.of(StepAction.EVENTS_SET_STANDBY, StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE)) {
            h.ack(command(h.all, action), AckOutcome.SUCCEEDED);
        }
        command(h.all, StepAction.EVENTS_SET_ACTIVE); // sent, not answered
        assertThat(answer(h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", decision.id(), "stop")))
                        .accepted())
                .isTrue();
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        return decision;
    }

    /** Two-person rule: a switch eu10 -> us10 asked by alice, approved by bob, aborted after the promote. */
    FailoverDecision approvedSwitchAbortedAfterThePromote() {
        h.use(CoreHarness.policy().withTwoPersonRule(true));
        h.bothUp();
        FailoverDecision proposal = one(
                h.feed(new ManualFailoverRequest(
                        id("m"), "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "planned")),
                FailoverDecision.class);
        FailoverDecision approved = one(
                h.feed(new ApproveRequest(id("ap"), "orders", h.now, 1, "bob", proposal.id(), "ok")),
                FailoverDecision.class);
        for (StepAction action :
                List.of(StepAction.EVENTS_SET_STANDBY, StepAction.DATA_DRAIN, StepAction.DATA_PROMOTE)) {
            h.ack(command(h.all, action), AckOutcome.SUCCEEDED);
        }
        h.feed(new AbortRequest(id("ab"), "orders", h.now, 1, "bob", approved.id(), "stop"));
        assertThat(h.state.phase()).isEqualTo(Phase.DIVERGED);
        assertThat(h.state.placement().data()).isEqualTo("us10");
        return approved;
    }

    HealthCounter counter(String region, String vantage) {
        return h.state.counters().stream()
                .filter(c -> c.sameSource(region, "app", vantage))
                .findFirst()
                .orElseThrow();
    }

    static boolean isFence(StepCommand c) {
        return c.action() == StepAction.DATA_FENCE || c.action() == StepAction.EVENTS_SET_STANDBY;
    }

    static String regionOf(StepCommand c) {
        try {
            return (String) c.getClass().getMethod("region").invoke(c);
        } catch (ReflectiveOperationException e) {
            throw new AssertionError(e);
        }
    }
}
