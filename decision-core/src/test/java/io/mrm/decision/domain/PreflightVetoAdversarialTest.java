package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.alertCodes;
import static io.mrm.decision.domain.CoreHarness.command;
import static io.mrm.decision.domain.CoreHarness.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Attacks on pre-flight vetoes: late, duplicated, foreign or misrouted answers, and failures that are no answer. */
class PreflightVetoAdversarialTest {

    static final StepSpec FREEZE =
            new StepSpec(StepAction.PREFLIGHT_HOOK, "change-freeze", Duration.ofSeconds(20), 2, false);
    static final StepSpec CLOSE =
            new StepSpec(StepAction.PREFLIGHT_HOOK, "month-end-close", Duration.ofSeconds(20), 2, false);

    final CoreHarness h = new CoreHarness(policy(FREEZE));

    static ApplicationPolicy policy(StepSpec... preflights) {
        List<StepSpec> graceful = new ArrayList<>(List.of(preflights));
        ApplicationPolicy.DEFAULT_PLAN.forEach(a -> graceful.add(StepSpec.of(a)));
        return CoreHarness.policy().withSteps(graceful, null);
    }

    /** The commands of the running plan whose latest attempt is unanswered. */
    List<StepCommand> running() {
        return of(h.all, StepCommand.class).stream()
                .filter(c -> h.state.run() != null
                        && c.step().decisionId().equals(h.state.run().decision().id())
                        && c.step().epoch() == h.state.run().epoch())
                .filter(c -> h.state.run().steps().get(c.step().stepIndex()).status() == StepStatus.RUNNING)
                .filter(c -> c.step().attempt()
                        == h.state.run().steps().get(c.step().stepIndex()).attempts())
                .toList();
    }

    List<MrmEvent> answer(StepCommand command, AckOutcome outcome, String code, String detail) {
        return h.feed(Acks.of(command, outcome, code, detail, 5, Map.of(), h.now));
    }

    /** Commands sent for steps that change something (anything but a pre-flight hook). */
    static List<StepCommand> changing(List<MrmEvent> out) {
        return of(out, StepCommand.class).stream()
                .filter(c -> c.action() != StepAction.PREFLIGHT_HOOK)
                .toList();
    }

    @Test
    void aPreflightHookThatAnswersItCannotRunPausesThePlanInsteadOfSkippingItsWord() {
        // the actuator answers: the plan names a pre-flight hook its configuration does not mark pre-flight (or
        // the hook refused the request: a 401 after a secret rotation). That is an answer, not a silence: going
        // on would switch without ever asking the hook that may veto it
        h.failOver();
        StepCommand ask = running().get(0);
        List<MrmEvent> out = answer(
                ask, AckOutcome.FAILED_FATAL, "HOOK_FAILED", "hook change-freeze is not configured preflight: true");

        assertThat(alertCodes(out)).contains("PLAN_PAUSED").doesNotContain("PREFLIGHT_HOOK_UNANSWERED");
        assertThat(changing(out)).as("nothing that changes anything is sent").isEmpty();
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
        assertThat(h.state.run().steps().get(0).status()).isEqualTo(StepStatus.FAILED);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");

        // the operator decides: skipping the hook (break-glass) lets the switch go on
        List<MrmEvent> skipped = h.feed(new SkipStepRequest(
                "sk-1",
                "orders",
                h.now,
                1,
                "alice",
                h.state.run().decision().id(),
                0,
                "hook misconfigured, switching anyway",
                null));
        assertThat(changing(skipped)).extracting(StepCommand::action).containsExactly(StepAction.DATA_PROMOTE);
    }

    @Test
    void aPreflightHookThatStaysUnreachableIsStillSkipped() {
        h.failOver();
        answer(running().get(0), AckOutcome.FAILED_RETRIABLE, "HOOK_FAILED", "connection refused");
        h.tick(Duration.ofSeconds(3));
        List<MrmEvent> out = answer(running().get(0), AckOutcome.FAILED_RETRIABLE, "HOOK_FAILED", "HTTP 503");

        assertThat(alertCodes(out)).contains("PREFLIGHT_HOOK_UNANSWERED").doesNotContain("PLAN_PAUSED");
        assertThat(changing(out)).extracting(StepCommand::action).containsExactly(StepAction.DATA_PROMOTE);
    }

    @Test
    void aVetoAnsweringAnEarlierAttemptAfterTheRetryWentOutDoesNotStopThePlanButTheRetrysVetoDoes() {
        h.failOver();
        StepCommand first = running().get(0);
        h.tick(Duration.ofSeconds(21)); // no answer: the retry is due after its backoff
        h.tick(Duration.ofSeconds(3));
        StepCommand second = running().get(0);
        assertThat(second.step().attempt()).isEqualTo(2);

        List<MrmEvent> stale = answer(first, AckOutcome.VETOED, "VETO", "freeze on (answer to attempt 1)");
        assertThat(alertCodes(stale)).doesNotContain("PREFLIGHT_VETOED", "PLAN_ABORTED");
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);

        List<MrmEvent> out = answer(second, AckOutcome.VETOED, "VETO", "freeze on");
        assertThat(alertCodes(out)).contains("PREFLIGHT_VETOED", "PLAN_ABORTED");
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void aDuplicatedVetoChangesNothingMore() {
        h.failOver();
        StepCommand ask = running().get(0);
        answer(ask, AckOutcome.VETOED, "VETO", "freeze on");
        long epoch = h.state.epoch();
        int sent = of(h.all, StepCommand.class).size();

        List<MrmEvent> again = answer(ask, AckOutcome.VETOED, "VETO", "freeze on");
        assertThat(again).noneMatch(e -> e instanceof io.mrm.events.decision.Alert);
        assertThat(h.state.epoch()).isEqualTo(epoch);
        assertThat(of(h.all, StepCommand.class)).hasSize(sent);
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
    }

    @Test
    void aVetoedPlanCannotBeResumedOrSkippedIntoASwitch() {
        h.failOver();
        FailoverDecision decision = h.state.run().decision();
        answer(running().get(0), AckOutcome.VETOED, "VETO", "freeze on");
        int sent = of(h.all, StepCommand.class).size();

        h.feed(new ResumeRequest("res-1", "orders", h.now, 1, "mallory", decision.id(), "go", null));
        h.feed(new SkipStepRequest("sk-1", "orders", h.now, 1, "mallory", decision.id(), 0, "go", null));

        assertThat(of(h.all, StepCommand.class)).as("nothing sent").hasSize(sent);
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void twoPreflightHooksAreAskedOneAfterTheOtherAndTheSecondsVetoStillStopsThePlan() {
        CoreHarness two = new CoreHarness(policy(FREEZE, CLOSE));
        two.failOver();
        List<StepCommand> asks = of(two.all, StepCommand.class);
        assertThat(asks).as("only the first is asked at first").hasSize(1);

        two.feed(Acks.of(asks.get(0), AckOutcome.SUCCEEDED, null, "ok", 5, Map.of(), two.now));
        asks = of(two.all, StepCommand.class);
        assertThat(asks)
                .extracting(StepCommand::action)
                .containsExactly(StepAction.PREFLIGHT_HOOK, StepAction.PREFLIGHT_HOOK);
        assertThat(changing(two.all)).as("nothing changes before both answered").isEmpty();

        List<MrmEvent> out = two.feed(Acks.of(asks.get(1), AckOutcome.VETOED, "VETO", "close", 5, Map.of(), two.now));
        assertThat(alertCodes(out)).contains("PREFLIGHT_VETOED");
        assertThat(changing(two.all)).isEmpty();
        assertThat(two.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(two.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void aParallelPreflightHookIsRefused() {
        StepSpec parallel = new StepSpec(StepAction.PREFLIGHT_HOOK, "month-end-close", null, null, true);
        org.assertj.core.api.Assertions.assertThatThrownBy(() -> policy(FREEZE, parallel))
                .hasMessageContaining("pre-flight hooks are asked one after another");
    }

    @Test
    void aVetoFromTheWrongActuatorIsNoAnswer() {
        h.failOver();
        StepCommand ask = running().get(0);
        // a well-formed ack naming the step, but for a DNS action: the DNS actuator cannot veto
        StepCommand route = new io.mrm.events.command.DnsRouteCommand("x", "orders", h.now, 1, ask.step(), "us10");
        List<MrmEvent> out = answer(route, AckOutcome.VETOED, "VETO", "no");
        assertThat(alertCodes(out)).isEmpty();
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
    }

    @Test
    void aVetoedAutomaticFailoverStaysVetoedWhenTheOtherRegionFailsToo() {
        h.failOver();
        answer(running().get(0), AckOutcome.VETOED, "VETO", "freeze on");
        List<MrmEvent> out = new ArrayList<>(h.report("us10", HealthStatus.DOWN));
        out.addAll(h.report("eu10", HealthStatus.DOWN));
        assertThat(of(out, FailoverDecision.class)).isEmpty();
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void aStateRestoredWhileThePreflightHookRunsAsksItAgainBeforeAnySwitch() {
        h.failOver();
        StepCommand ask = running().get(0);
        h.restoreFromPublished();
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
        // the old veto answers a plan that no longer exists
        answer(ask, AckOutcome.VETOED, "VETO", "freeze on");
        // the monitors go on reporting: us10 up, eu10 down
        List<MrmEvent> out = new ArrayList<>(h.report("us10", HealthStatus.UP));
        out.addAll(h.report("eu10", HealthStatus.DOWN));
        assertThat(of(out, FailoverDecision.class))
                .as("the outage is still there: " + out)
                .hasSize(1);
        assertThat(changing(out)).as("the new plan asks the hook first").isEmpty();
        assertThat(running()).extracting(StepCommand::action).containsExactly(StepAction.PREFLIGHT_HOOK);
    }

    static final StepSpec CLOSE_AFTER =
            new StepSpec(StepAction.PREFLIGHT_HOOK, "month-end-close", Duration.ofSeconds(20), 1, false);

    /** Lets both attempts of the first pre-flight hook go unanswered: it is skipped, and returns its last ask. */
    StepCommand leaveTheFirstHookUnanswered(CoreHarness c) {
        c.failOver();
        c.tick(Duration.ofSeconds(21));
        c.tick(Duration.ofSeconds(3));
        StepCommand last = c.lastOf(StepAction.PREFLIGHT_HOOK);
        assertThat(last.step().attempt()).isEqualTo(2);
        List<MrmEvent> out = c.tick(Duration.ofSeconds(21));
        assertThat(alertCodes(out)).contains("PREFLIGHT_HOOK_UNANSWERED");
        return last;
    }

    @Test
    void aVetoJustAfterTheLastDeadlineStillStopsAPlanThatHasChangedNothingYet() {
        // a second pre-flight hook is being asked: nothing has moved, so the late veto can still be honoured
        CoreHarness c = new CoreHarness(policy(FREEZE, CLOSE_AFTER));
        StepCommand vetoed = leaveTheFirstHookUnanswered(c);
        assertThat(changing(c.all)).isEmpty();

        List<MrmEvent> out = c.feed(Acks.of(vetoed, AckOutcome.VETOED, "VETO", "freeze on", 5, Map.of(), c.now));

        assertThat(alertCodes(out)).contains("PREFLIGHT_VETOED", "PLAN_ABORTED");
        assertThat(changing(c.all)).isEmpty();
        assertThat(c.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(c.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void aVetoAfterTheSwitchWentOnWithoutItIsRaisedNotDropped() {
        StepCommand vetoed = leaveTheFirstHookUnanswered(h);
        assertThat(changing(h.all)).extracting(StepCommand::action).containsExactly(StepAction.DATA_PROMOTE);

        List<MrmEvent> out = answer(vetoed, AckOutcome.VETOED, "VETO", "freeze on");

        // the promote is out: stopping now would leave a split, so the switch goes on, but nobody may miss the veto
        assertThat(alertCodes(out)).containsExactly("PREFLIGHT_VETO_LATE");
        assertThat(of(out, io.mrm.events.decision.Alert.class).get(0).message())
                .contains("change-freeze", "freeze on", "abort");
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
        assertThat(h.state.run().steps().get(0).status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(h.state.run().steps().get(0).detail()).contains("vetoed after", "freeze on");

        // said once: a redelivered late veto raises nothing more
        assertThat(alertCodes(answer(vetoed, AckOutcome.VETOED, "VETO", "freeze on")))
                .isEmpty();
    }

    @Test
    void aSlowPreflightHookDoesNotUseUpTheGracefulBoundAndItsVetoStillStopsTheFailover() {
        CoreHarness c = new CoreHarness(policy(FREEZE).withFailoverDrainWithin(Duration.ofSeconds(30)));
        FailoverDecision decision = c.failOver();
        assertThat(decision.drainsFirst()).isTrue();
        c.tick(Duration.ofSeconds(21)); // the first ask went unanswered
        c.tick(Duration.ofSeconds(3));
        StepCommand retry = c.lastOf(StepAction.PREFLIGHT_HOOK);
        List<MrmEvent> bound = c.tick(Duration.ofSeconds(8)); // past the 30 s graceful bound while the hook is asked
        assertThat(changing(bound))
                .as("nothing changes while the hook is asked")
                .isEmpty();
        assertThat(alertCodes(bound)).as("the graceful try has not begun").doesNotContain("FAILOVER_FELL_BACK");

        List<MrmEvent> out = c.feed(Acks.of(retry, AckOutcome.VETOED, "VETO", "freeze on", 5, Map.of(), c.now));

        assertThat(alertCodes(out)).contains("PREFLIGHT_VETOED");
        assertThat(changing(c.all)).isEmpty();
        assertThat(c.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(c.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void theGracefulBoundOfADrainFirstFailoverRunsFromThePreflightHooksAnswer() {
        CoreHarness c = new CoreHarness(policy(FREEZE).withFailoverDrainWithin(Duration.ofSeconds(30)));
        c.failOver();
        c.tick(Duration.ofSeconds(21)); // the first ask went unanswered; the second is answered 35 s in
        c.tick(Duration.ofSeconds(3));
        c.tick(Duration.ofSeconds(8));
        c.tick(Duration.ofSeconds(3));
        List<MrmEvent> out = c.ack(c.lastOf(StepAction.PREFLIGHT_HOOK), AckOutcome.SUCCEEDED);

        // the graceful path is tried now, with its whole bound: the old broker is demoted first
        StepCommand demote = command(out, StepAction.EVENTS_SET_STANDBY);
        assertThat(demote.step().deadline()).isEqualTo(c.now.plusSeconds(30));
        assertThat(alertCodes(c.all)).doesNotContain("FAILOVER_FELL_BACK");
    }

    @Test
    void aJournalWithVetoesInTimeAndLateReplaysToTheSameOutputsUnderTheRecordedPolicy() {
        CoreHarness c = new CoreHarness(policy(FREEZE, CLOSE_AFTER));
        StepCommand late = leaveTheFirstHookUnanswered(c);
        c.ack(c.lastOf(StepAction.PREFLIGHT_HOOK), AckOutcome.SUCCEEDED); // the second hook says yes
        c.feed(Acks.of(late, AckOutcome.VETOED, "VETO", "freeze on", 5, Map.of(), c.now)); // too late: raised
        c.completePlan();
        c.wait(Duration.ofHours(2), Duration.ofMinutes(1));
        c.report("eu10", HealthStatus.UP);
        c.feed(new io.mrm.events.operator.ManualFailoverRequest(
                "fb-1", "orders", c.now, 1, "alice", "eu10", FailoverMode.GRACEFUL, List.of(), "back"));
        c.feed(Acks.of(
                c.lastOf(StepAction.PREFLIGHT_HOOK), AckOutcome.VETOED, "VETO", "freeze on", 5, Map.of(), c.now));
        assertThat(alertCodes(c.all)).contains("PREFLIGHT_VETO_LATE", "PREFLIGHT_VETOED");

        io.mrm.events.journal.PolicyRecord recorded = io.mrm.decision.policy.PolicyRecords.of(
                "pol-1",
                c.now,
                c.policy,
                new RequestAuthority(false, List.of(), Duration.ofMinutes(5), Duration.ofSeconds(30)));
        DecisionCore replaying =
                new DecisionCore(Map.of("orders", io.mrm.decision.policy.PolicyRecords.policy(recorded)));

        assertThat(JournalReplay.replay(replaying, c.journal)).isEqualTo(c.all);
    }
}
