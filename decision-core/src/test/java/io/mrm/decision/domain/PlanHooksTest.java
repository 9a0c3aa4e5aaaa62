package io.mrm.decision.domain;

import static io.mrm.decision.domain.CoreHarness.alertCodes;
import static io.mrm.decision.domain.CoreHarness.of;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.HookRunCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Hook steps in plans, pre-flight vetoes, and per-step settings, as the core runs them. */
class PlanHooksTest {

    static final StepSpec PREFLIGHT =
            new StepSpec(StepAction.PREFLIGHT_HOOK, "month-end-close", Duration.ofSeconds(20), 2, false);
    static final StepSpec NOTIFY = new StepSpec(StepAction.HOOK, "notify-ops", Duration.ofSeconds(7), 1, false);

    static ApplicationPolicy policy(List<StepSpec> forced) {
        List<StepSpec> graceful = new ArrayList<>();
        graceful.add(PREFLIGHT);
        ApplicationPolicy.DEFAULT_PLAN.forEach(a -> graceful.add(StepSpec.of(a)));
        graceful.add(NOTIFY);
        return CoreHarness.policy().withSteps(graceful, forced);
    }

    final CoreHarness h = new CoreHarness(policy(null));

    /** The commands of the running plan not answered yet, in the order they were sent. */
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

    List<MrmEvent> answer(StepCommand command, AckOutcome outcome, String detail) {
        return h.feed(Acks.of(
                command, outcome, outcome == AckOutcome.SUCCEEDED ? null : outcome.name(), detail, 5, Map.of(), h.now));
    }

    @Test
    void thePreflightHookRunsAloneBeforeAnythingChangesAndAHookStepCarriesTheSwitch() {
        FailoverDecision decision = h.failOver();

        PlanStep first = decision.plan().get(0);
        assertThat(first.action()).isEqualTo(StepAction.PREFLIGHT_HOOK);
        assertThat(first.hook()).isEqualTo("month-end-close");
        assertThat(first.timeoutMs()).isEqualTo(20_000);
        assertThat(first.maxAttempts()).isEqualTo(2);
        PlanStep last = decision.plan().get(decision.plan().size() - 1);
        assertThat(last.action()).isEqualTo(StepAction.HOOK);
        assertThat(last.hook()).isEqualTo("notify-ops");
        assertThat(last.timeoutMs()).isEqualTo(7_000);
        // the others keep the policy's settings
        assertThat(decision.plan().get(1).timeoutMs())
                .isEqualTo(h.policy.stepTimeout().toMillis());

        // only the pre-flight hook is asked; nothing else is sent until it answers
        assertThat(running()).hasSize(1);
        HookRunCommand ask = (HookRunCommand) running().get(0);
        assertThat(ask.preflighting()).isTrue();
        assertThat(ask.hook()).isEqualTo("month-end-close");
        assertThat(ask.fromRegion()).isEqualTo("eu10");
        assertThat(ask.toRegion()).isEqualTo("us10");
        assertThat(ask.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(ask.step().deadline()).isEqualTo(ask.time().plusSeconds(20));

        answer(ask, AckOutcome.SUCCEEDED, "no month-end close running");
        assertThat(running()).extracting(StepCommand::action).containsExactly(StepAction.DATA_PROMOTE);
        h.completePlan();
        HookRunCommand notify = (HookRunCommand) h.lastOf(StepAction.HOOK);
        assertThat(notify.preflighting()).isFalse();
        assertThat(notify.hook()).isEqualTo("notify-ops");
        assertThat(h.state.activeRegion()).isEqualTo("us10");
    }

    @Test
    void aVetoStopsTheAutomaticFailoverWithNothingChangedAndItIsNotTriedAgainThisOutage() {
        FailoverDecision decision = h.failOver();
        long epoch = decision.epoch();
        List<MrmEvent> out = answer(running().get(0), AckOutcome.VETOED, "month-end close runs until 18:00 UTC");

        Alert veto = of(out, Alert.class).stream()
                .filter(a -> a.code().equals("PREFLIGHT_VETOED"))
                .findFirst()
                .orElseThrow();
        assertThat(veto.message())
                .contains("month-end-close", "month-end close runs until 18:00 UTC", "--override PREFLIGHT_VETO");
        assertThat(alertCodes(out)).contains("PLAN_ABORTED");
        assertThat(of(out, StepCommand.class))
                .as("nothing is sent after a veto")
                .isEmpty();
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
        assertThat(h.state.epoch()).as("fenced with a new epoch").isGreaterThan(epoch);
        assertThat(h.state.run().steps().get(0).status()).isEqualTo(StepStatus.FAILED);
        assertThat(h.state.run().steps().stream().skip(1).map(s -> s.status())).containsOnly(StepStatus.PENDING);

        // the outage goes on: no new automatic failover against the hook's word
        List<MrmEvent> later = new ArrayList<>(h.report("eu10", HealthStatus.DOWN));
        later.addAll(h.wait(Duration.ofMinutes(5), Duration.ofSeconds(5)));
        later.addAll(h.report("eu10", HealthStatus.DOWN));
        assertThat(of(later, FailoverDecision.class)).isEmpty();
    }

    @Test
    void anOperatorOverridesTheVetoAndTheVetoIsRecorded() {
        h.bothUp();
        h.feed(new ManualFailoverRequest(
                "mf-1",
                "orders",
                h.now,
                1,
                "alice",
                "us10",
                FailoverMode.GRACEFUL,
                List.of(SafetyRule.PREFLIGHT_VETO),
                "move despite month-end"));
        List<MrmEvent> out = answer(running().get(0), AckOutcome.VETOED, "month-end close runs");

        assertThat(alertCodes(out)).contains("PREFLIGHT_VETO_OVERRIDDEN").doesNotContain("PLAN_ABORTED");
        assertThat(h.state.run().steps().get(0).status()).isEqualTo(StepStatus.SUCCEEDED);
        assertThat(h.state.run().steps().get(0).detail()).contains("overridden", "month-end close runs");
        assertThat(running()).extracting(StepCommand::action).containsExactly(StepAction.EVENTS_SET_STANDBY);
    }

    @Test
    void aVetoOfAManualSwitchWithoutTheOverrideStopsIt() {
        h.bothUp();
        h.feed(new ManualFailoverRequest(
                "mf-1", "orders", h.now, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "move"));
        List<MrmEvent> out = answer(running().get(0), AckOutcome.VETOED, "freeze window");

        assertThat(alertCodes(out)).contains("PREFLIGHT_VETOED", "PLAN_ABORTED");
        assertThat(h.state.phase()).isEqualTo(Phase.STEADY);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
    }

    @Test
    void aPreflightHookThatCannotBeReachedDoesNotHoldTheFailoverUp() {
        h.failOver();
        answer(running().get(0), AckOutcome.FAILED_RETRIABLE, "connection refused");
        // the retry after its backoff, then its second (last) attempt goes unanswered
        h.tick(Duration.ofSeconds(3));
        assertThat(running()).hasSize(1);
        List<MrmEvent> out = h.tick(Duration.ofSeconds(21));

        assertThat(alertCodes(out)).contains("PREFLIGHT_HOOK_UNANSWERED").doesNotContain("PLAN_PAUSED");
        assertThat(h.state.run().steps().get(0).status()).isEqualTo(StepStatus.SKIPPED);
        assertThat(h.state.run().steps().get(1).status())
                .as(h.state.run().steps().toString())
                .isEqualTo(StepStatus.RUNNING);
        assertThat(running()).extracting(StepCommand::action).containsExactly(StepAction.DATA_PROMOTE);
        assertThat(h.state.phase()).isEqualTo(Phase.SWITCHING);
    }

    @Test
    void aVetoFromAHookThatIsNoPreflightIsAFailureThatPausesThePlan() {
        h.failOver();
        answer(running().get(0), AckOutcome.SUCCEEDED, "ok");
        for (int guard = 0; guard < 20 && running().stream().noneMatch(c -> c.action() == StepAction.HOOK); guard++) {
            answer(running().get(0), AckOutcome.SUCCEEDED, "ok");
        }
        StepCommand notify = running().stream()
                .filter(c -> c.action() == StepAction.HOOK)
                .findFirst()
                .orElseThrow();
        List<MrmEvent> out = answer(notify, AckOutcome.VETOED, "too late to say no");

        assertThat(alertCodes(out)).contains("PLAN_PAUSED").doesNotContain("PREFLIGHT_VETOED");
        assertThat(h.state.phase()).isEqualTo(Phase.PAUSED);
    }

    @Test
    void aForcedSwitchRunsThePolicysForcedPlanWithItsFencesAndPreflightFirst() {
        CoreHarness forced = new CoreHarness(policy(List.of(
                PREFLIGHT,
                StepSpec.of(StepAction.DATA_PROMOTE),
                StepSpec.of(StepAction.DNS_ROUTE),
                new StepSpec(StepAction.HOOK, "cpi-orders", Duration.ofMinutes(10), 1, true))));
        FailoverDecision decision = forced.failOver();

        assertThat(decision.mode()).isEqualTo(FailoverMode.FORCED);
        assertThat(decision.plan())
                .extracting(PlanStep::action)
                .containsExactly(
                        StepAction.PREFLIGHT_HOOK,
                        StepAction.DATA_PROMOTE,
                        StepAction.DATA_FENCE,
                        StepAction.DNS_ROUTE,
                        StepAction.HOOK);
        assertThat(decision.plan().get(2).bestEffort()).isTrue();
        assertThat(decision.plan().get(4).parallel()).isTrue();
        assertThat(decision.plan().get(4).hook()).isEqualTo("cpi-orders");
    }

    @Test
    void aGracefulSwitchAsksThePreflightHookBeforeRunningTheTargetsPendingFences() {
        CoreHarness fences = new CoreHarness(policy(null));
        fences.failOver();
        fences.ack(fences.lastOf(StepAction.PREFLIGHT_HOOK), AckOutcome.SUCCEEDED);
        fences.answerForcedPlan(
                AckOutcome.SUCCEEDED,
                AckOutcome.FAILED_RETRIABLE,
                AckOutcome.SUCCEEDED,
                AckOutcome.FAILED_RETRIABLE,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED);
        fences.completePlan();
        assertThat(fences.state.fences()).hasSize(2);
        fences.wait(Duration.ofHours(2), Duration.ofMinutes(1)); // past hold-down; the fences keep failing quietly
        fences.report("eu10", HealthStatus.UP);
        fences.feed(new ManualFailoverRequest(
                "fb-1", "orders", fences.now, 1, "alice", "eu10", FailoverMode.GRACEFUL, List.of(), "back"));
        FailoverDecision back = of(fences.all, FailoverDecision.class).stream()
                .reduce((a, b) -> b)
                .orElseThrow();

        assertThat(back.toRegion()).isEqualTo("eu10");
        assertThat(back.plan().get(0).action()).isEqualTo(StepAction.PREFLIGHT_HOOK);
        assertThat(back.plan().stream().skip(1).map(PlanStep::action))
                .as("the fences of eu10 come after the hook had its say")
                .contains(StepAction.DATA_FENCE, StepAction.EVENTS_SET_STANDBY);
    }

    @Test
    void aDrillRehearsesTheHooksTooAndAVetoFailsTheDrillNamingIt() {
        h.bothUp();
        h.feed(new io.mrm.events.operator.DrillRequest(
                "drill-1", "orders", h.now, 1, "alice", null, FailoverMode.GRACEFUL, "rehearse"));
        DrillRun drill = h.state.drill();
        assertThat(drill.decision().plan().get(0).action()).isEqualTo(StepAction.PREFLIGHT_HOOK);
        StepCommand ask = of(h.all, StepCommand.class).stream()
                .filter(c -> c.step().decisionId().equals(drill.decision().id()))
                .findFirst()
                .orElseThrow();
        assertThat(ask.step().rehearsing()).isTrue();
        assertThat(((HookRunCommand) ask).preflighting()).isTrue();
        answer(ask, AckOutcome.VETOED, "would veto: month-end close runs");
        assertThat(h.state.drill().steps().get(0).status()).isEqualTo(StepStatus.FAILED);
        assertThat(h.state.activeRegion()).isEqualTo("eu10");
    }
}
