package io.mrm.decision.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.domain.Backtest.BacktestReport;
import io.mrm.decision.domain.Backtest.Governing;
import io.mrm.decision.domain.Backtest.Recording;
import io.mrm.decision.domain.Backtest.ReplayReport;
import io.mrm.decision.domain.Backtest.SideBySide;
import io.mrm.decision.domain.Backtest.Step;
import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FreezeRequest;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;

class BacktestTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    static final List<String> VANTAGES = List.of("vantage-1", "vantage-2");

    static ApplicationPolicy policy(int failureThreshold, Duration holdDown, DecisionMode mode) {
        return new ApplicationPolicy(
                "orders",
                "eu10",
                "us10",
                Set.of("app"),
                Set.of(),
                2,
                failureThreshold,
                2,
                Duration.ofMinutes(5),
                mode,
                holdDown,
                5,
                Duration.ofHours(24),
                List.of(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY),
                List.of(),
                Duration.ofSeconds(60),
                3,
                Duration.ofSeconds(2),
                Set.of(),
                false,
                Set.copyOf(VANTAGES),
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
    }

    static final ApplicationPolicy RECORDED = policy(3, Duration.ofHours(1), DecisionMode.AUTOMATIC);
    static final Governing GOVERNING = new Governing(RECORDED, RequestAuthority.unsignedAccepted(), "recorded-v1");

    /**
     * Plays the engine: each input is a journaled step with its output count; the engine's own
     * ticks (every second) are journaled only when they changed the state.
     */
    static final class Engine {
        final DecisionCore core = new DecisionCore(Map.of("orders", RECORDED));
        final List<Step> steps = new ArrayList<>();
        final List<MrmEvent> outputs = new ArrayList<>();
        ApplicationState state;
        Instant clock = T0;

        List<MrmEvent> input(MrmEvent event, Instant now) {
            tickUntil(now);
            StepResult result = core.step(state, event, now);
            return record(result, event, now);
        }

        void tickUntil(Instant until) {
            while (state != null && clock.plusSeconds(1).isBefore(until)) {
                clock = clock.plusSeconds(1);
                StepResult result = core.tick(state, clock);
                if (!result.state().equals(state)) {
                    record(result, null, clock);
                }
            }
            clock = until;
        }

        private List<MrmEvent> record(StepResult result, MrmEvent input, Instant now) {
            state = result.state();
            steps.add(new Step(
                    steps.size() + 1,
                    "orders",
                    now,
                    input,
                    GOVERNING,
                    result.outputs().size()));
            outputs.addAll(result.outputs());
            return result.outputs();
        }

        Recording recording() {
            return new Recording(steps, outputs);
        }
    }

    static void report(Engine engine, String region, HealthStatus status, int times, Instant at) {
        for (int i = 0; i < times; i++) {
            for (String vantage : VANTAGES) {
                engine.input(
                        new HealthObservation(
                                "obs-" + region + "-" + vantage + "-" + at.toEpochMilli() + "-" + i,
                                "orders",
                                at,
                                1,
                                region,
                                "app",
                                ProbeKind.HTTP,
                                vantage,
                                status,
                                2L,
                                null),
                        at);
            }
        }
    }

    /** eu10 fails, the engine fails over to us10 and the plan completes with two acks. */
    static Engine automaticFailover() {
        Engine engine = new Engine();
        report(engine, "us10", HealthStatus.UP, 2, T0);
        report(engine, "eu10", HealthStatus.UP, 2, T0);
        for (int i = 1; i <= 3; i++) {
            report(engine, "eu10", HealthStatus.DOWN, 1, T0.plusSeconds(10L * i));
        }
        StepCommand route = engine.outputs.stream()
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .findFirst()
                .orElseThrow();
        List<MrmEvent> afterRoute = engine.input(
                Acks.of(route, AckOutcome.SUCCEEDED, null, "routed", 3, Map.of(), T0.plusSeconds(35)),
                T0.plusSeconds(35));
        StepCommand verify = afterRoute.stream()
                .filter(StepCommand.class::isInstance)
                .map(StepCommand.class::cast)
                .findFirst()
                .orElseThrow();
        engine.input(
                Acks.of(verify, AckOutcome.SUCCEEDED, null, "answers us10", 3, Map.of(), T0.plusSeconds(40)),
                T0.plusSeconds(40));
        return engine;
    }

    @Test
    void replayUnderTheRecordedPolicyReproducesEveryOutputExactly() {
        Engine engine = automaticFailover();

        ReplayReport report = Backtest.replay(engine.recording(), Map.of());

        assertThat(report.exact()).isTrue();
        assertThat(report.divergences()).isEmpty();
        assertThat(report.outputs()).isEqualTo(engine.outputs.size()).isGreaterThan(5);
        assertThat(report.decisions()).isEqualTo(1);
        assertThat(report.warnings()).isEmpty();
        assertThat(report.fingerprints()).containsEntry("orders", List.of("recorded-v1"));
    }

    @Test
    void oneAlteredRecordedOutputIsReportedAsADivergenceOfItsStep() {
        Engine engine = automaticFailover();
        List<MrmEvent> altered = new ArrayList<>(engine.outputs);
        int at = 0;
        for (int i = 0; i < altered.size(); i++) {
            if (altered.get(i) instanceof FailoverDecision d) {
                at = i;
                altered.set(
                        i,
                        new FailoverDecision(
                                d.id(),
                                d.applicationId(),
                                d.time(),
                                d.schemaVersion(),
                                d.epoch(),
                                d.kind(),
                                d.mode(),
                                d.status(),
                                d.fromRegion(),
                                d.toRegion(),
                                "tampered",
                                d.requestedBy(),
                                d.requestId(),
                                d.overriddenRules(),
                                d.evidence(),
                                d.plan()));
            }
        }
        FailoverDecision original = (FailoverDecision) engine.outputs.get(at);

        ReplayReport report = Backtest.replay(new Recording(engine.steps, altered), Map.of());

        assertThat(report.exact()).isFalse();
        assertThat(report.divergent()).isEqualTo(1);
        assertThat(report.outputs()).isEqualTo(engine.outputs.size() - 1);
        Backtest.Divergence divergence = report.divergences().get(0);
        assertThat(((FailoverDecision) divergence.expected()).reason()).isEqualTo("tampered");
        assertThat(divergence.got()).isEqualTo(original);
        Step step = engine.steps.get((int) divergence.step() - 1);
        assertThat(step.now()).isEqualTo(original.time());
        assertThat(divergence.input()).startsWith("io.mrm.health.observation.v1 obs-eu10-");
    }

    @Test
    void aMissingPolicyRecordOrAJournalCutByRetentionIsSaid() {
        Engine engine = automaticFailover();
        List<Step> withoutPolicy = engine.steps.stream()
                .map(s -> new Step(s.index(), s.applicationId(), s.now(), s.input(), null, s.recordedOutputs()))
                .toList();

        assertThatThrownBy(() -> Backtest.replay(new Recording(withoutPolicy, engine.outputs), Map.of()))
                .hasMessageContaining("has no recorded policy");
        assertThat(Backtest.replay(new Recording(withoutPolicy, engine.outputs), Map.of("orders", GOVERNING))
                        .exact())
                .isTrue();

        List<Step> cut = new ArrayList<>();
        cut.add(new Step(0, "orders", T0.minusSeconds(1), null, GOVERNING, 0));
        cut.addAll(engine.steps);
        assertThat(Backtest.replay(new Recording(cut, engine.outputs), Map.of()).warnings())
                .anySatisfy(w -> assertThat(w).contains("is not its first step").contains("cannot be exact"));
    }

    @Test
    void aStricterFailureThresholdDecidesDifferentlyOnTheSameInputs() {
        Engine engine = automaticFailover();
        ApplicationPolicy stricter = policy(5, Duration.ofHours(1), DecisionMode.AUTOMATIC);

        BacktestReport report = Backtest.backtest(
                engine.recording(),
                Map.of("orders", stricter),
                RequestAuthority.unsignedAccepted(),
                "stricter",
                Duration.ofSeconds(1));

        SideBySide decision = report.rows().stream()
                .filter(r -> r.key().equals("decision 1"))
                .findFirst()
                .orElseThrow();
        assertThat(decision.recorded().text()).startsWith("AUTOMATIC_FAILOVER eu10→us10 EXECUTING (epoch 1)");
        assertThat(decision.alternate()).isNull();
        assertThat(decision.differs()).isTrue();
        assertThat(report.differs()).isEqualTo(1);
        assertThat(report.notes()).anySatisfy(n -> assertThat(n).contains("not how its plan would have executed"));
    }

    @Test
    void manualModeProposesWhereTheRecordedRunExecuted() {
        Engine engine = automaticFailover();

        BacktestReport report = Backtest.backtest(
                engine.recording(),
                Map.of("orders", policy(3, Duration.ofHours(1), DecisionMode.MANUAL)),
                RequestAuthority.unsignedAccepted(),
                "manual",
                Duration.ofSeconds(1));

        SideBySide decision = report.rows().get(0);
        assertThat(decision.recorded().text()).contains("EXECUTING");
        assertThat(decision.alternate().text()).contains("AUTOMATIC_FAILOVER eu10→us10 PROPOSED");
        assertThat(decision.alternate().time()).isEqualTo(decision.recorded().time());
        assertThat(decision.differs()).isTrue();
    }

    @Test
    void theSamePolicyBacktestsWithoutDifferences() {
        Engine engine = automaticFailover();
        engine.input(
                new FreezeRequest("req-1", "orders", T0.plusSeconds(50), 1, "alice", "change window"),
                T0.plusSeconds(50));

        BacktestReport report = Backtest.backtest(
                engine.recording(),
                Map.of("orders", RECORDED),
                RequestAuthority.unsignedAccepted(),
                "same",
                Duration.ofSeconds(1));

        assertThat(report.differs()).isZero();
        assertThat(report.rows()).extracting(SideBySide::key).containsExactly("decision 1", "request req-1");
        assertThat(report.rows().get(1).recorded().text()).isEqualTo("freeze by alice: accepted");
    }

    /**
     * Under the recorded one-hour hold-down, us10 failing right after the failover is only blocked;
     * under a 30-second hold-down the failover back happens when the hold-down ends (30 s after the
     * switch completed, at T0+40 s) — at a time when no input arrived, so only a synthetic tick can
     * make that rule fire.
     */
    @Test
    void syntheticTicksLetATimeDrivenRuleOfTheAlternateFire() {
        Engine engine = automaticFailover();
        report(engine, "eu10", HealthStatus.UP, 2, T0.plusSeconds(45));
        for (int i = 0; i < 3; i++) {
            report(engine, "us10", HealthStatus.DOWN, 1, T0.plusSeconds(50 + i));
        }
        report(engine, "us10", HealthStatus.DOWN, 1, T0.plusSeconds(200));
        ApplicationPolicy shortHoldDown = policy(3, Duration.ofSeconds(30), DecisionMode.AUTOMATIC);
        Instant failover = ((FailoverDecision) engine.outputs.stream()
                        .filter(FailoverDecision.class::isInstance)
                        .findFirst()
                        .orElseThrow())
                .time();

        BacktestReport ticked = Backtest.backtest(
                engine.recording(),
                Map.of("orders", shortHoldDown),
                RequestAuthority.unsignedAccepted(),
                "short",
                Duration.ofSeconds(1));
        BacktestReport unticked = Backtest.backtest(
                engine.recording(),
                Map.of("orders", shortHoldDown),
                RequestAuthority.unsignedAccepted(),
                "short",
                Duration.ofHours(1));

        assertThat(engine.outputs)
                .filteredOn(Alert.class::isInstance)
                .map(e -> ((Alert) e).code())
                .contains("SAFETY_RULE_BLOCKED");
        SideBySide second = ticked.rows().stream()
                .filter(r -> r.key().equals("decision 2"))
                .findFirst()
                .orElseThrow();
        assertThat(second.recorded()).isNull();
        assertThat(second.alternate().text()).startsWith("AUTOMATIC_FAILOVER us10→eu10 EXECUTING (epoch 2)");
        Instant completed = T0.plusSeconds(40);
        assertThat(failover).isBefore(completed);
        assertThat(second.alternate().time())
                .isAfterOrEqualTo(completed.plusSeconds(30))
                .isBefore(completed.plusSeconds(32));
        assertThat(ticked.ticks()).isGreaterThan(150);
        SideBySide late = unticked.rows().stream()
                .filter(r -> r.key().equals("decision 2"))
                .findFirst()
                .orElseThrow();
        assertThat(late.alternate().time()).isEqualTo(T0.plusSeconds(200));
    }

    @Test
    void outputIdsAreTheCoresSequenceInTheLineOfTheFirstInput() {
        Engine engine = automaticFailover();
        String lineage = engine.state.lineage();

        assertThat(lineage).isEqualTo(engine.steps.get(0).input().id());
        assertThat(engine.outputs.get(0).id()).isEqualTo(DecisionCore.outputId("orders", lineage, 1));
        assertThat(engine.outputs.get(engine.outputs.size() - 1).id())
                .isEqualTo(DecisionCore.outputId("orders", lineage, engine.state.outputSeq()));
    }

    @Test
    void anEngineStartedAfreshDoesNotRepeatTheIdsOfAnEarlierOne() {
        DecisionCore core = new DecisionCore(Map.of("orders", ApplicationPolicy.defaults("orders", "eu10", "us10")));
        HealthObservation before = new HealthObservation(
                "obs-before-reset",
                "orders",
                T0,
                1,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-1",
                HealthStatus.UP,
                3L,
                null);
        HealthObservation after = new HealthObservation(
                "obs-after-reset",
                "orders",
                T0.plusSeconds(60),
                1,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-1",
                HealthStatus.UP,
                3L,
                null);

        // the same first output (the new application's topology) from a state begun by each input
        String first = core.step(null, before, T0).outputs().get(0).id();
        String again =
                core.step(null, after, T0.plusSeconds(60)).outputs().get(0).id();

        assertThat(again).isNotEqualTo(first);
        assertThat(DecisionCore.outputId("orders", null, 1))
                .as("states stored before lineages keep their ids")
                .isEqualTo(UUID.nameUUIDFromBytes("orders/1".getBytes(StandardCharsets.UTF_8))
                        .toString());
    }
}
