package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Drives one application through the pure core, as the engine would: inputs 100 ms apart, ticks,
 * monitors that number their reports, and what the core published (its last topology, every output).
 */
final class CoreHarness {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final List<String> VANTAGES = List.of("vantage-1", "vantage-2", "vantage-3");
    /** The graceful switchover of ARCHITECTURE.md, over all three components. */
    static final List<StepAction> FULL_PLAN = ApplicationPolicy.DEFAULT_PLAN;

    ApplicationPolicy policy;
    DecisionCore core;
    ApplicationState state;
    Instant now = T0;
    int seq;
    final List<MrmEvent> all = new ArrayList<>();
    /** Every input with its time, as the engine journals it (null: a tick). */
    final List<JournalReplay.RecordedStep> journal = new ArrayList<>();

    TopologyState published;
    InputRefusal lastRefusal;
    private final Map<String, Long> sequences = new HashMap<>();

    CoreHarness(ApplicationPolicy policy) {
        use(policy);
    }

    CoreHarness(ApplicationPolicy policy, RequestAuthority authority) {
        this.policy = policy;
        this.core = new DecisionCore(Map.of(policy.applicationId(), policy), authority);
    }

    /**
     * The defaults with the full plan, over eu10 (primary) and us10, three vantages, quorum 2, except that an automatic failover is forced at once: most scenarios here are
     * about the forced path; {@link DrainFirstFailoverTest} is about the graceful try before it.
     */
    static ApplicationPolicy policy() {
        return ApplicationPolicy.defaults("orders", "eu10", "us10")
                .withVantages(Set.copyOf(VANTAGES))
                .withFailoverDrainWithin(java.time.Duration.ZERO);
    }

    void use(ApplicationPolicy p) {
        policy = p;
        core = new DecisionCore(Map.of(p.applicationId(), p));
    }

    List<MrmEvent> feed(MrmEvent input) {
        now = now.plusMillis(100);
        journal.add(new JournalReplay.RecordedStep(policy.applicationId(), now, input));
        return apply(core.step(state, input, now));
    }

    List<MrmEvent> tick(Duration later) {
        now = now.plus(later);
        journal.add(new JournalReplay.RecordedStep(policy.applicationId(), now, null));
        return apply(core.tick(state, now));
    }

    /** Time passes in steps of {@code every}, ticking, until {@code total} has passed. */
    List<MrmEvent> wait(Duration total, Duration every) {
        List<MrmEvent> out = new ArrayList<>();
        for (Duration passed = Duration.ZERO; passed.compareTo(total) < 0; passed = passed.plus(every)) {
            out.addAll(tick(every));
        }
        return out;
    }

    private List<MrmEvent> apply(StepResult result) {
        state = result.state();
        lastRefusal = result.refusal();
        all.addAll(result.outputs());
        result.outputs().stream()
                .filter(TopologyState.class::isInstance)
                .map(TopologyState.class::cast)
                .forEach(t -> published = t);
        return result.outputs();
    }

    /** One observation stamped now (as a monitor in step with the engine), numbered in its run. */
    HealthObservation obs(String vantage, String region, HealthStatus status) {
        return obs(vantage, region, "app", status, now.plusMillis(100));
    }

    HealthObservation obs(String vantage, String region, String component, HealthStatus status, Instant stamped) {
        long number = sequences.merge(vantage, 1L, Long::sum);
        return new HealthObservation(
                "obs-" + ++seq,
                policy.applicationId(),
                stamped,
                1,
                region,
                component,
                ProbeKind.HTTP,
                vantage,
                status,
                3L,
                status == HealthStatus.DOWN ? "HTTP 503" : null,
                null,
                "run-" + vantage,
                number);
    }

    /** Each of {@code vantages} reports {@code status} for the region's app, {@code rounds} times. */
    List<MrmEvent> report(String region, HealthStatus status, int rounds, List<String> vantages) {
        List<MrmEvent> out = new ArrayList<>();
        for (int i = 0; i < rounds; i++) {
            for (String vantage : vantages) {
                out.addAll(feed(obs(vantage, region, status)));
            }
        }
        return out;
    }

    List<MrmEvent> report(String region, HealthStatus status) {
        return report(region, status, policy.failureThreshold(), VANTAGES);
    }

    /** Both regions seen up by every vantage. */
    void bothUp() {
        report("us10", HealthStatus.UP);
        report("eu10", HealthStatus.UP);
    }

    List<MrmEvent> ack(StepCommand command, AckOutcome outcome) {
        return ack(command, outcome, null);
    }

    List<MrmEvent> ack(StepCommand command, AckOutcome outcome, Long fenceEpoch) {
        return feed(Acks.of(
                command,
                outcome,
                outcome == AckOutcome.SUCCEEDED ? null : "X",
                "detail",
                5,
                Map.of(),
                now,
                fenceEpoch));
    }

    static <T> List<T> of(List<MrmEvent> events, Class<T> type) {
        return events.stream().filter(type::isInstance).map(type::cast).toList();
    }

    static <T> T one(List<MrmEvent> events, Class<T> type) {
        List<T> found = of(events, type);
        assertThat(found).as(type.getSimpleName() + " in " + events).hasSize(1);
        return found.get(0);
    }

    static List<String> alertCodes(List<MrmEvent> events) {
        return of(events, Alert.class).stream().map(Alert::code).toList();
    }

    static RequestOutcome answer(List<MrmEvent> events) {
        return one(events, RequestOutcome.class);
    }

    /** eu10's outage as all three monitors see it: the forced failover to us10, returning its decision. */
    FailoverDecision failOver() {
        bothUp();
        return one(report("eu10", HealthStatus.DOWN), FailoverDecision.class);
    }

    /**
     * Answers the forced failover's steps in the order they run — the promote, the old database's fence,
     * us10's broker set active, eu10's set to standby, the route, the verify — each with the outcome
     * given (null: leave it unanswered, and stop).
     */
    void answerForcedPlan(AckOutcome... outcomes) {
        List<StepAction> order = List.of(
                StepAction.DATA_PROMOTE,
                StepAction.DATA_FENCE,
                StepAction.EVENTS_SET_ACTIVE,
                StepAction.EVENTS_SET_STANDBY,
                StepAction.DNS_ROUTE,
                StepAction.DNS_VERIFY);
        for (int i = 0; i < outcomes.length; i++) {
            StepCommand command = lastOf(order.get(i));
            if (outcomes[i] == null) {
                return;
            }
            ack(command, outcomes[i]);
        }
    }

    /** A forced failover eu10 -> us10 that completes with both fences of eu10 failed: two pending fences. */
    FailoverDecision failOverLeavingBothFencesPending() {
        FailoverDecision decision = failOver();
        answerForcedPlan(
                AckOutcome.SUCCEEDED,
                AckOutcome.FAILED_RETRIABLE,
                AckOutcome.SUCCEEDED,
                AckOutcome.FAILED_RETRIABLE,
                AckOutcome.SUCCEEDED,
                AckOutcome.SUCCEEDED);
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
        assertThat(state.activeRegion()).isEqualTo("us10");
        assertThat(state.fences()).hasSize(2);
        return decision;
    }

    /** Acknowledges every running command of the current plan, ordinary and best-effort, until it is done. */
    void completePlan() {
        for (int guard = 0; guard < 50 && state.phase() == Phase.SWITCHING; guard++) {
            StepCommand pending = all.stream()
                    .filter(StepCommand.class::isInstance)
                    .map(StepCommand.class::cast)
                    .filter(c ->
                            c.step().decisionId().equals(state.run().decision().id()))
                    .filter(c -> c.step().epoch() == state.run().epoch())
                    .filter(c -> state.run().steps().get(c.step().stepIndex()).status() == StepStatus.RUNNING)
                    .filter(c -> c.step().attempt()
                            == state.run().steps().get(c.step().stepIndex()).attempts())
                    .findFirst()
                    .orElseThrow(() -> new AssertionError(
                            "nothing running in " + state.run().steps()));
            ack(pending, AckOutcome.SUCCEEDED);
        }
        assertThat(state.phase()).isEqualTo(Phase.STEADY);
    }

    /** The engine's state is lost: it is rebuilt from the topology it last published. */
    List<MrmEvent> restoreFromPublished() {
        TopologyState last = published;
        state = null;
        return feed(last);
    }

    /** The latest command of an action (an action may appear twice in a plan, e.g. a fence and a step). */
    StepCommand lastOf(StepAction action) {
        List<StepCommand> found = of(all, StepCommand.class).stream()
                .filter(c -> c.action() == action)
                .toList();
        assertThat(found).as(action.name()).isNotEmpty();
        return found.get(found.size() - 1);
    }

    /** The command of the given action among the events. */
    static StepCommand command(List<MrmEvent> events, StepAction action) {
        List<StepCommand> found = of(events, StepCommand.class).stream()
                .filter(c -> c.action() == action)
                .toList();
        assertThat(found).as(action + " in " + events).hasSize(1);
        return found.get(0);
    }
}
