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
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.journal.PolicyRecord;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.AcknowledgeHoldDownRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import io.mrm.testsupport.TopicRecorder.Recorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The engine's state is reset (its store and changelog are gone: a new state directory, the changelog
 * topic deleted) while the actuators keep the fence of the epoch they last executed. The engine must
 * not start again at epoch 0 with the primary active: it restores each application from the topology
 * it last published, journals that as a step, and its next failover carries an epoch above the fence,
 * so the actuator executes it. The actuator here applies the same rule as every MRM actuator: a
 * command below the highest epoch it holds is refused as stale, and every ack reports that epoch.
 */
class EngineStateResetIT {

    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "recovery-threshold=2",
            "plan=DNS_ROUTE,DNS_VERIFY",
            "step-timeout=60s",
            // three automatic failovers in a few seconds; the cap (which a restore keeps) is not the subject
            "max-failovers-per-window=5");

    /** The actuator's fence, as its backend keeps it (a DNS token survives any engine reset). */
    private final Map<String, Long> fence = new HashMap<>();

    private final List<CommandAckSent> answered = new ArrayList<>();

    record CommandAckSent(StepCommand command, AckOutcome outcome) {}

    @Test
    void afterAResetTheEngineRestoresFromItsTopologyAndFailsOverAboveTheActuatorsFence() throws Exception {
        try (EngineHarness harness = new EngineHarness("reset.", POLICY)) {
            ConfigurableApplicationContext engine = harness.startEngine("engine-0");
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            // a failover and an automatic failover back: the actuator now holds epoch 2
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.DOWN);
            actUntilSteady(harness, recorder, "us10");
            harness.publish(new AcknowledgeHoldDownRequest(id(), "orders", Instant.now(), 1, "alice", "checked"));
            harness.report("eu10", HealthStatus.UP);
            harness.report("us10", HealthStatus.DOWN);
            actUntilSteady(harness, recorder, "eu10");
            long fenced = fence.get("orders");
            assertThat(fenced).isEqualTo(2);

            // the reset: the instance stops, its state directory and changelog are gone
            engine.close();
            String changelog =
                    harness.names.prefix() + "decision-engine-" + DecisionEngineTopology.STORE + "-changelog";
            try (Admin admin = Admin.create(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafka.bootstrapServers()))) {
                assertThat(admin.listTopics().names().get(30, TimeUnit.SECONDS)).contains(changelog);
                admin.deleteTopics(Set.of(changelog)).all().get(30, TimeUnit.SECONDS);
                Awaitility.await("changelog deleted")
                        .atMost(Duration.ofSeconds(120))
                        .until(() -> !admin.listTopics()
                                .names()
                                .get(30, TimeUnit.SECONDS)
                                .contains(changelog));
            }
            engine = harness.startEngine("engine-1");

            harness.publish(new AcknowledgeHoldDownRequest(id(), "orders", Instant.now(), 1, "alice", "checked"));
            Alert restored =
                    recorder.await(Alert.class, a -> a.code().equals("STATE_RESTORED"), Duration.ofSeconds(120));
            assertThat(restored.message()).contains("epoch 2").contains("eu10 active");
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.DOWN);
            actUntilSteady(harness, recorder, "us10");
            engine.close();

            List<FailoverDecision> decisions = recorder.events(FailoverDecision.class);
            assertThat(decisions).extracting(FailoverDecision::toRegion).containsExactly("us10", "eu10", "us10");
            assertThat(decisions.get(2).epoch())
                    .as("above the actuator's fence")
                    .isGreaterThan(fenced);
            assertThat(answered).extracting(CommandAckSent::outcome).containsOnly(AckOutcome.SUCCEEDED);
            assertThat(recorder.events(EngineStep.class))
                    .as("the restore is journaled with its topology record")
                    .anyMatch(s -> !s.tick() && s.input().topic().equals(harness.names.of(Topics.TOPOLOGY)));

            // and the journal still replays: the restore is a step whose input is the topology record
            List<MrmEvent> replayed = JournalReplay.replay(recordedCore(recorder), steps(recorder));
            List<String> published = recorder.records().stream()
                    .map(Recorded::event)
                    .filter(e -> e != null && isEngineOutput(e))
                    .map(MrmEvent::id)
                    .toList();
            assertThat(replayed.stream().map(MrmEvent::id).toList()).containsExactlyInAnyOrderElementsOf(published);
        }
    }

    /** Acts as the DNS actuator until the application is STEADY in {@code region}. */
    private void actUntilSteady(EngineHarness harness, TopicRecorder recorder, String region) {
        Awaitility.await("STEADY in " + region)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(50))
                .until(() -> {
                    for (StepCommand command : recorder.events(StepCommand.class)) {
                        if (answered.stream().noneMatch(a -> a.command().id().equals(command.id()))) {
                            answer(harness, command);
                        }
                    }
                    return recorder.events(TopologyState.class).stream()
                            .reduce((a, b) -> b)
                            .filter(t -> t.phase() == Phase.STEADY
                                    && t.activeRegion().equals(region)
                                    && !t.planSteps().isEmpty())
                            .isPresent();
                });
    }

    private void answer(EngineHarness harness, StepCommand command) {
        long held = fence.getOrDefault(command.applicationId(), 0L);
        long epoch = command.step().epoch();
        AckOutcome outcome = epoch < held ? AckOutcome.REJECTED_STALE : AckOutcome.SUCCEEDED;
        long after = Math.max(held, epoch);
        fence.put(command.applicationId(), after);
        answered.add(new CommandAckSent(command, outcome));
        harness.publish(Acks.of(
                command,
                outcome,
                outcome == AckOutcome.SUCCEEDED ? null : "STALE_EPOCH",
                "test actuator",
                1,
                Map.of(),
                Instant.now(),
                after));
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

    private static boolean isEngineOutput(MrmEvent e) {
        return e instanceof io.mrm.events.decision.DecisionEvent
                || e instanceof io.mrm.events.topology.TopologyEvent
                || e instanceof StepCommand;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
