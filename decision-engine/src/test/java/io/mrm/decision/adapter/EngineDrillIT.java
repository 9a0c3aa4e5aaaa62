package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.JournalReplay;
import io.mrm.decision.domain.JournalReplay.RecordedStep;
import io.mrm.decision.policy.PolicyRecords;
import io.mrm.events.MrmEvent;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.journal.PolicyRecord;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.DrillRequest;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import io.mrm.testsupport.TopicRecorder.Recorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.function.Predicate;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Drills through the engine on a real in-process broker: the drill's decision, its rehearsal commands and
 * its end reach their topics, and the journal replays them; an outage mid-drill cancels it and the real
 * failover proceeds and completes, the epoch raised by the real decision alone. The actuator here is the
 * test's: it answers a rehearsal with what it would have done and executes a real step under the fence rule
 * every MRM actuator applies.
 */
class EngineDrillIT {

    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "recovery-threshold=2",
            "plan=DNS_ROUTE,DNS_VERIFY",
            // no deadline or staleness may end anything on a busy machine: the tests say when
            "step-timeout=10m",
            "stale-after=10m");
    static final Duration WITHIN = Duration.ofSeconds(120);

    private final Set<String> answered = new HashSet<>();
    private final Map<String, Long> fence = new HashMap<>();

    @Test
    void aDrillRunsToCompletionWithRehearsalsAndChangesNothingReal() throws Exception {
        try (EngineHarness harness = new EngineHarness("drill.", POLICY)) {
            harness.closeLater(harness.startEngine("engine-0"));
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.UP);
            harness.publish(drill());

            Alert done = actUntil(harness, recorder, c -> true, "DRILL_COMPLETED");

            FailoverDecision decision = recorder.events(FailoverDecision.class).get(0);
            assertThat(decision.kind()).isEqualTo(DecisionKind.DRILL);
            assertThat(decision.epoch()).isEqualTo(1);
            List<StepCommand> commands = recorder.events(StepCommand.class);
            assertThat(commands).hasSize(2).allMatch(c -> c.step().rehearsing());
            assertThat(done.message()).contains("predicted RTO").contains("steps 0.3 s");
            assertThat(fence).as("no rehearsal fenced anything").isEmpty();
            TopologyState topology = last(recorder.events(TopologyState.class));
            assertThat(topology.phase()).isEqualTo(Phase.STEADY);
            assertThat(topology.activeRegion()).isEqualTo("eu10");
            assertThat(topology.epoch()).isZero();

            List<MrmEvent> replayed = JournalReplay.replay(recordedCore(recorder), steps(recorder));
            assertThat(replayed.stream().map(MrmEvent::id).toList())
                    .containsExactlyInAnyOrderElementsOf(engineOutputIds(recorder));
        }
    }

    @Test
    void anOutageMidDrillCancelsItAndTheRealFailoverCompletesRaisingTheEpochOnce() throws Exception {
        try (EngineHarness harness = new EngineHarness("drillout.", POLICY)) {
            harness.closeLater(harness.startEngine("engine-0"));
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.UP);
            harness.publish(drill());
            // the drill's first rehearsal stays unanswered: the drill is running when the outage comes
            StepCommand held = recorder.await(StepCommand.class, c -> c.step().rehearsing(), WITHIN);

            harness.report("eu10", HealthStatus.DOWN);
            Alert cancelled = recorder.await(Alert.class, a -> a.code().equals("DRILL_CANCELLED"), WITHIN);
            assertThat(cancelled.message()).contains("AUTOMATIC_FAILOVER");
            answer(harness, held); // late: ignored

            actUntilSteady(harness, recorder, "us10");

            List<FailoverDecision> decisions = recorder.events(FailoverDecision.class);
            assertThat(decisions)
                    .extracting(FailoverDecision::kind)
                    .containsExactly(DecisionKind.DRILL, DecisionKind.AUTOMATIC_FAILOVER);
            assertThat(recorder.events(TopologyState.class))
                    .extracting(TopologyState::epoch)
                    .as("the epoch rises once, by the real decision")
                    .containsOnly(0L, 1L);
            assertThat(recorder.events(StepCommand.class).stream()
                            .filter(c -> c.step().rehearsing())
                            .count())
                    .as("nothing more of the drill is sent once it is cancelled")
                    .isEqualTo(1);
            assertThat(recorder.events(Alert.class))
                    .extracting(Alert::code)
                    .doesNotContain("DRILL_COMPLETED", "DRILL_FAILED", "PLAN_PAUSED");
        }
    }

    // ---- the test's actuator ----------------------------------------------------------------------

    private Alert actUntil(EngineHarness harness, TopicRecorder recorder, Predicate<StepCommand> which, String code) {
        Awaitility.await(code)
                .atMost(WITHIN)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    answerNew(harness, recorder, which);
                    return recorder.events(Alert.class).stream()
                            .anyMatch(a -> a.code().equals(code));
                });
        return recorder.events(Alert.class).stream()
                .filter(a -> a.code().equals(code))
                .findFirst()
                .orElseThrow();
    }

    private void actUntilSteady(EngineHarness harness, TopicRecorder recorder, String region) {
        Awaitility.await("STEADY in " + region)
                .atMost(WITHIN)
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    answerNew(harness, recorder, c -> !c.step().rehearsing());
                    TopologyState t = last(recorder.events(TopologyState.class));
                    return t != null
                            && t.phase() == Phase.STEADY
                            && t.activeRegion().equals(region)
                            && !t.planSteps().isEmpty();
                });
    }

    private void answerNew(EngineHarness harness, TopicRecorder recorder, Predicate<StepCommand> which) {
        for (StepCommand command : recorder.events(StepCommand.class)) {
            if (which.test(command) && !answered.contains(command.id())) {
                answer(harness, command);
            }
        }
    }

    private void answer(EngineHarness harness, StepCommand command) {
        answered.add(command.id());
        if (command.step().rehearsing()) {
            harness.publish(Acks.of(
                    command,
                    AckOutcome.SUCCEEDED,
                    null,
                    "would " + command.action() + " to " + command.step().stepIndex(),
                    150,
                    Map.of(),
                    Instant.now()));
            return;
        }
        long held = fence.getOrDefault(command.applicationId(), 0L);
        long epoch = command.step().epoch();
        AckOutcome outcome = epoch < held ? AckOutcome.REJECTED_STALE : AckOutcome.SUCCEEDED;
        fence.put(command.applicationId(), Math.max(held, epoch));
        harness.publish(Acks.of(
                command,
                outcome,
                outcome == AckOutcome.SUCCEEDED ? null : "STALE_EPOCH",
                "test actuator",
                1,
                Map.of(),
                Instant.now(),
                Math.max(held, epoch)));
    }

    // ---- inputs and the journal ---------------------------------------------------------------------

    private static DrillRequest drill() {
        return new DrillRequest(
                id(), "orders", Instant.now(), 1, "alice", null, FailoverMode.GRACEFUL, "quarterly drill");
    }

    private static <T> T last(List<T> list) {
        return list.isEmpty() ? null : list.get(list.size() - 1);
    }

    private static DecisionCore recordedCore(TopicRecorder recorder) {
        PolicyRecord policy = recorder.events(PolicyRecord.class).get(0);
        return new DecisionCore(Map.of("orders", PolicyRecords.policy(policy)), PolicyRecords.authority(policy));
    }

    private static List<RecordedStep> steps(TopicRecorder recorder) {
        Map<String, MrmEvent> inputs = new HashMap<>();
        for (Recorded r : recorder.records()) {
            if (r.event() != null) {
                inputs.put(r.topic() + "/" + r.partition() + "/" + r.offset(), r.event());
            }
        }
        List<RecordedStep> steps = new ArrayList<>();
        for (EngineStep step : recorder.events(EngineStep.class)) {
            MrmEvent input = step.tick()
                    ? null
                    : inputs.get(step.input().topic() + "/" + step.input().partition() + "/"
                            + step.input().offset());
            assertThat(step.tick() || input != null).as("input of " + step).isTrue();
            steps.add(new RecordedStep(step.applicationId(), step.time(), input));
        }
        return steps;
    }

    private static List<String> engineOutputIds(TopicRecorder recorder) {
        return recorder.records().stream()
                .map(Recorded::event)
                .filter(e -> e instanceof io.mrm.events.decision.DecisionEvent
                        || e instanceof io.mrm.events.topology.TopologyEvent
                        || e instanceof StepCommand)
                .map(MrmEvent::id)
                .toList();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
