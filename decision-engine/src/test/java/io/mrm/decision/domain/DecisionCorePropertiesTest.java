package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.adapter.ApplicationStateSerde;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.operator.ApproveRequest;
import io.mrm.events.operator.FailbackRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.RejectRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.SkipStepRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import net.jqwik.api.AfterFailureMode;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.statistics.Statistics;

/**
 * Invariants of the core over random sequences of observations, operator requests, acks of the
 * commands it sent, and ticks: the epoch never decreases; at most one plan is in flight; no
 * automatic decision while frozen or in hold-down; the state always survives serialization.
 */
class DecisionCorePropertiesTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    /** One random input: what kind, and the random choices it needs. */
    record Move(int kind, int a, int b, int c) {}

    @Provide
    Arbitrary<List<Move>> moves() {
        Arbitrary<Move> move = Arbitraries.integers()
                .between(0, 99)
                .flatMap(kind -> Arbitraries.integers()
                        .between(0, 1000)
                        .tuple3()
                        .map(t -> new Move(kind, t.get1(), t.get2(), t.get3())));
        return move.list().ofMinSize(50).ofMaxSize(400);
    }

    @Property(tries = 300, afterFailure = AfterFailureMode.SAMPLE_FIRST)
    void invariantsHoldForAnySequenceOfInputs(@ForAll("moves") List<Move> moves) {
        int automatic = 0;
        for (DecisionMode mode : DecisionMode.values()) {
            automatic += run(moves, mode);
        }
        // Make sure the generator reaches the interesting cases, or the invariants would hold vacuously.
        Statistics.label("automatic decision").collect(automatic > 0);
        // (a target is healthy only when its latest reports are up, so random sequences reach it less often)
        Statistics.label("automatic decision")
                .coverage(check -> check.check(true).percentage(p -> p > 15));
    }

    private int run(List<Move> moves, DecisionMode mode) {
        ApplicationPolicy policy = new ApplicationPolicy(
                "orders",
                "eu10",
                "us10",
                Set.of("app"),
                Set.of("hana"),
                2,
                2,
                2,
                Duration.ofSeconds(20),
                mode,
                Duration.ofMinutes(10),
                2,
                Duration.ofHours(1),
                List.of(StepAction.EVENTS_SET_STANDBY, StepAction.DATA_PROMOTE, StepAction.DNS_ROUTE),
                List.of(StepAction.DATA_REPROTECT),
                Duration.ofSeconds(15),
                2,
                Duration.ofSeconds(1),
                Set.of(StepAction.DNS_ROUTE),
                false,
                Set.of("vantage-0", "vantage-1", "vantage-2"),
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
                null);
        DecisionCore core = new DecisionCore(Map.of("orders", policy));
        ApplicationState state = ApplicationState.initial(policy, "obs-first");
        Instant now = T0;
        List<StepCommand> sent = new ArrayList<>();
        int seq = 0;
        int automatic = 0;
        for (Move m : moves) {
            now = now.plusMillis(50 + m.c() * 20L);
            String id = "in-" + ++seq;
            String decisionId = state.lastDecisionId() == null ? "none" : state.lastDecisionId();
            StepResult result;
            MrmEvent input = null;
            if (m.kind() < 60) {
                String region = m.a() % 2 == 0 ? "eu10" : "us10";
                String component = m.b() % 10 == 0 ? "hana" : "app";
                // Biased so that outages, recoveries and blocked decisions all happen often.
                int downPercent = region.equals("eu10") ? 60 : 20;
                HealthStatus status = m.b() % 100 < downPercent
                        ? HealthStatus.DOWN
                        : m.b() % 7 == 0 ? HealthStatus.DEGRADED : HealthStatus.UP;
                result = core.step(
                        state,
                        new HealthObservation(
                                id,
                                "orders",
                                now,
                                1,
                                region,
                                component,
                                ProbeKind.HTTP,
                                "vantage-" + (m.a() % 3),
                                status,
                                1L,
                                null),
                        now);
            } else if (m.kind() < 80 && !sent.isEmpty()) {
                StepCommand command = sent.get(m.a() % sent.size());
                AckOutcome outcome = AckOutcome.values()[m.b() % AckOutcome.values().length];
                result = core.step(state, Acks.of(command, outcome, null, null, 1, Map.of(), now), now);
            } else if (m.kind() < 90) {
                result = core.tick(state, now.plusSeconds(m.a() % 30));
                now = now.plusSeconds(m.a() % 30);
            } else {
                input = request(m, id, now, decisionId, state);
                result = core.step(state, input, now);
            }
            check(state, input, result, now);
            automatic += (int) result.outputs().stream()
                    .filter(FailoverDecision.class::isInstance)
                    .map(FailoverDecision.class::cast)
                    .filter(d -> d.requestedBy().equals(FailoverDecision.ENGINE))
                    .count();
            result.outputs().stream()
                    .filter(StepCommand.class::isInstance)
                    .map(StepCommand.class::cast)
                    .forEach(sent::add);
            state = result.state();
        }
        return automatic;
    }

    private static io.mrm.events.operator.OperatorRequest request(
            Move m, String id, Instant now, String decisionId, ApplicationState state) {
        int stepIndex = state.run() == null ? 0 : Math.max(0, state.run().currentIndex());
        List<SafetyRule> overrides = m.b() % 2 == 0 ? List.of() : List.of(SafetyRule.STANDBY_HEALTHY);
        return switch (m.a() % 10) {
            case 0 -> new FreezeRequest(id, "orders", now, 1, "op", "r");
            case 1 -> new UnfreezeRequest(id, "orders", now, 1, "op", null);
            case 2 -> new AcknowledgeHoldDownRequest(id, "orders", now, 1, "op", "r");
            case 3 ->
                new ManualFailoverRequest(
                        id,
                        "orders",
                        now,
                        1,
                        "op",
                        m.b() % 3 == 0 ? "eu10" : "us10",
                        m.c() % 2 == 0 ? FailoverMode.GRACEFUL : FailoverMode.FORCED,
                        overrides,
                        "r");
            case 4 -> new FailbackRequest(id, "orders", now, 1, "op", FailoverMode.GRACEFUL, overrides, "r");
            case 5 -> new ApproveRequest(id, "orders", now, 1, "op", decisionId, null);
            case 6 -> new RejectRequest(id, "orders", now, 1, "op", decisionId, "r");
            case 7 -> new ResumeRequest(id, "orders", now, 1, "op", decisionId, null);
            case 8 -> new SkipStepRequest(id, "orders", now, 1, "op", decisionId, stepIndex, "r");
            default -> new AbortRequest(id, "orders", now, 1, "op", decisionId, "r");
        };
    }

    private static void check(ApplicationState before, MrmEvent input, StepResult result, Instant now) {
        ApplicationState after = result.state();
        assertThat(after.epoch()).as("epoch never decreases").isGreaterThanOrEqualTo(before.epoch());
        List<FailoverDecision> decisions = result.outputs().stream()
                .filter(FailoverDecision.class::isInstance)
                .map(FailoverDecision.class::cast)
                .toList();
        assertThat(decisions).as("at most one decision per step").hasSizeLessThanOrEqualTo(1);
        if (!decisions.isEmpty()) {
            FailoverDecision decision = decisions.get(0);
            assertThat(before.phase())
                    .as("a new decision only when no plan is in flight")
                    .isIn(Phase.STEADY, Phase.PROPOSED, Phase.DIVERGED);
            if (decision.requestedBy().equals(FailoverDecision.ENGINE)) {
                // An unfreeze or a hold-down acknowledgement may let a decision through in the same step.
                assertThat(after.frozen())
                        .as("no automatic decision while frozen")
                        .isFalse();
                assertThat(before.frozen() && !(input instanceof UnfreezeRequest))
                        .as("no automatic decision while frozen")
                        .isFalse();
                boolean holdDownLifted = input instanceof AcknowledgeHoldDownRequest;
                assertThat(holdDownLifted || before.holdDownUntil() == null || !now.isBefore(before.holdDownUntil()))
                        .as("no automatic decision in hold-down")
                        .isTrue();
            }
            assertThat(decision.epoch()).isEqualTo(after.epoch());
        }
        if (after.phase() != Phase.STEADY) {
            assertThat(after.run()).as("a plan in flight is the current run").isNotNull();
            assertThat(after.run().decision().id()).isEqualTo(after.lastDecisionId());
        }
        List<StepCommand> commands = result.outputs().stream()
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .toList();
        if (commands.size() > 1) {
            // Several commands at once only for one group of parallel steps (in any order: a resume or
            // a tick re-sends the group's unfinished steps as their timers say), each step once.
            // Best-effort fences run beside the group, and pending fences of an earlier decision besides.
            List<Integer> indices = commands.stream()
                    .filter(c ->
                            c.step().decisionId().equals(after.run().decision().id()))
                    .map(c -> c.step().stepIndex())
                    .toList();
            assertThat(indices).as("one command per step").doesNotHaveDuplicates();
            List<Integer> ordinary = indices.stream()
                    .filter(i -> !Boolean.TRUE.equals(
                            after.run().decision().plan().get(i).bestEffort()))
                    .toList();
            assertThat(after.run().currentGroup())
                    .as("one group at a time: " + indices)
                    .containsAll(ordinary);
        }
        result.outputs().stream()
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .forEach(c -> assertThat(c.step().epoch()).isEqualTo(after.epoch()));
        assertThat(ApplicationStateSerde.read(ApplicationStateSerde.write(after)))
                .as("state survives the store's serialization")
                .isEqualTo(after);
        for (MrmEvent output : result.outputs()) {
            assertThat(output.applicationId()).isEqualTo("orders");
        }
    }
}
