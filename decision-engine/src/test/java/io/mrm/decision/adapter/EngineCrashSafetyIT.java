package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Crash safety on the real broker: after each step of a four-step plan the running engine
 * instance is replaced — alternately by a second instance taking over its partitions, and by
 * stopping it before a new one (with an empty state directory) starts — before the step's ack is
 * sent. The plan must finish exactly once: every step done once, one command per step, one
 * decision, epochs never going backwards.
 */
class EngineCrashSafetyIT {

    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "plan=EVENTS_SET_ACTIVE,EVENTS_VERIFY,DNS_ROUTE,DNS_VERIFY",
            // an instance swap before each ack can take a minute on a busy machine: no step may time out
            // (a retry would rightly be a second command for the step)
            "step-timeout=10m");

    @Test
    void aPlanFinishesExactlyOnceWhenTheEngineIsReplacedAfterEveryStep() throws Exception {
        try (EngineHarness harness = new EngineHarness("crash.", POLICY)) {
            ConfigurableApplicationContext engine = harness.startEngine("engine-0");
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.DOWN);

            for (int step = 0; step < 4; step++) {
                int index = step;
                StepCommand command =
                        recorder.await(StepCommand.class, c -> c.step().stepIndex() == index, Duration.ofSeconds(120));
                if (step % 2 == 0) {
                    // A second instance joins and takes the partitions over when the first leaves.
                    ConfigurableApplicationContext next = harness.startEngine("engine-" + (step + 1));
                    engine.close();
                    engine = next;
                } else {
                    // The instance goes away; a new one with no local state starts after it.
                    engine.close();
                    engine = harness.startEngine("engine-" + (step + 1));
                }
                harness.publish(Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 1, Map.of(), Instant.now()));
            }
            TopologyState done = recorder.await(
                    TopologyState.class,
                    t -> t.phase() == Phase.STEADY && t.activeRegion().equals("us10"),
                    Duration.ofSeconds(120));
            engine.close();

            assertThat(done.epoch()).isEqualTo(1);
            assertThat(done.planSteps())
                    .extracting(s -> s.status())
                    .containsOnly(StepStatus.SUCCEEDED)
                    .hasSize(4);
            assertThat(recorder.events(FailoverDecision.class)).hasSize(1);
            Map<Integer, List<String>> commandIdsByStep = recorder.events(StepCommand.class).stream()
                    .collect(Collectors.groupingBy(
                            c -> c.step().stepIndex(), Collectors.mapping(StepCommand::id, Collectors.toList())));
            assertThat(commandIdsByStep).hasSize(4);
            commandIdsByStep.forEach((index, ids) ->
                    assertThat(ids).as("commands of step " + index).hasSize(1));
            List<Long> epochs = recorder.events(TopologyState.class).stream()
                    .map(TopologyState::epoch)
                    .toList();
            for (int i = 1; i < epochs.size(); i++) {
                assertThat(epochs.get(i)).as("epochs in order " + epochs).isGreaterThanOrEqualTo(epochs.get(i - 1));
            }
        }
    }
}
