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
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.journal.JournalEvent;
import io.mrm.events.journal.PolicyRecord;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import io.mrm.testsupport.TopicRecorder.Recorded;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Determinism on the real engine: a scenario runs through Kafka Streams (observations, a blocked
 * and then allowed failover, a retried step driven by ticks, acks), then every step the engine
 * journaled is replayed through a fresh core with its recorded input and time. The replay must
 * produce exactly the events the engine published — same ids, same content, same order per topic.
 * The replay's policy is the one the engine recorded on the journal before the first step.
 */
class ReplayDeterminismIT {

    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "recovery-threshold=2",
            "plan=DNS_ROUTE,DNS_VERIFY",
            "step-max-attempts=3",
            "retry-backoff=200ms",
            // the retry is driven by a retriable answer and the back-off, never by a slow machine's timeout or
            // observations going stale while it waits
            "step-timeout=10m",
            "stale-after=30m");

    @Test
    void replayingTheJournalReproducesEveryPublishedOutput() throws Exception {
        try (EngineHarness harness = new EngineHarness("replay.", POLICY);
                ConfigurableApplicationContext engine = harness.startEngine("replay-1");
                TopicRecorder recorder =
                        new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL)) {

            harness.publish(new FreezeRequest(id(), "orders", Instant.now(), 1, "alice", "change window"));
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.DOWN);
            recorder.await(
                    io.mrm.events.decision.Alert.class,
                    a -> "SAFETY_RULE_BLOCKED".equals(a.code()),
                    Duration.ofSeconds(120));
            harness.publish(new UnfreezeRequest(id(), "orders", Instant.now(), 1, "alice", null));

            StepCommand route = recorder.await(StepCommand.class, c -> true, Duration.ofSeconds(120));
            harness.publish(Acks.of(
                    route, AckOutcome.FAILED_RETRIABLE, "Throttling", "rate exceeded", 3, Map.of(), Instant.now()));
            StepCommand retry =
                    recorder.await(StepCommand.class, c -> c.step().attempt() == 2, Duration.ofSeconds(120));
            harness.publish(Acks.of(retry, AckOutcome.SUCCEEDED, null, "routed", 3, Map.of(), Instant.now()));
            StepCommand verify =
                    recorder.await(StepCommand.class, c -> c.step().stepIndex() == 1, Duration.ofSeconds(120));
            harness.publish(Acks.of(verify, AckOutcome.SUCCEEDED, null, "answers us10", 3, Map.of(), Instant.now()));
            recorder.await(
                    TopologyState.class,
                    t -> t.phase() == Phase.STEADY && t.activeRegion().equals("us10"),
                    Duration.ofSeconds(120));
            long journaled = recorder.events(EngineStep.class).size();

            List<RecordedStep> steps = new ArrayList<>();
            Map<String, MrmEvent> inputs = new LinkedHashMap<>();
            for (Recorded r : recorder.records()) {
                if (r.event() != null) {
                    inputs.put(r.topic() + "/" + r.partition() + "/" + r.offset(), r.event());
                }
            }
            for (EngineStep step : recorder.events(EngineStep.class)) {
                MrmEvent input = step.tick()
                        ? null
                        : inputs.get(step.input().topic() + "/" + step.input().partition() + "/"
                                + step.input().offset());
                assertThat(step.tick() || input != null).as("input of " + step).isTrue();
                steps.add(new RecordedStep(step.applicationId(), step.time(), input));
            }
            // The replay runs the policy the journal recorded, not the running engine's: the record
            // comes before the application's first step and is the configured policy, fingerprint and all.
            List<JournalEvent> journal = recorder.records().stream()
                    .map(Recorded::event)
                    .filter(JournalEvent.class::isInstance)
                    .map(JournalEvent.class::cast)
                    .toList();
            assertThat(journal.get(0)).isInstanceOf(PolicyRecord.class);
            List<PolicyRecord> policies = recorder.events(PolicyRecord.class);
            assertThat(policies).hasSize(1);
            PolicyRecord recorded = policies.get(0);
            assertThat(recorded.id()).isEqualTo("p:" + journal.get(1).id());
            assertThat(recorded.time()).isEqualTo(journal.get(1).time());
            assertThat(recorded.fingerprintMatches()).isTrue();
            DecisionCore running = engine.getBean(DecisionCore.class);
            assertThat(PolicyRecords.policy(recorded)).isEqualTo(running.policy("orders"));
            assertThat(PolicyRecords.authority(recorded)).isEqualTo(running.authority());
            DecisionCore core = new DecisionCore(
                    Map.of("orders", PolicyRecords.policy(recorded)), PolicyRecords.authority(recorded));
            List<MrmEvent> replayed = JournalReplay.replay(core, steps);

            List<MrmEvent> published = recorder.records().stream()
                    .map(Recorded::event)
                    .filter(e -> e != null && isEngineOutput(e))
                    .toList();
            assertThat(journaled).isGreaterThan(10);
            assertThat(replayed).hasSameSizeAs(published);
            assertThat(byId(replayed)).isEqualTo(byId(published));
            for (Class<?> type : List.of(FailoverDecision.class, StepCommand.class, TopologyState.class)) {
                assertThat(replayed.stream().filter(type::isInstance).toList())
                        .as(type.getSimpleName() + " in order")
                        .containsExactlyElementsOf(
                                published.stream().filter(type::isInstance).toList());
            }
            assertThat(published.stream().filter(e -> e instanceof StepCommand).count())
                    .isEqualTo(3);
        }
    }

    private static boolean isEngineOutput(MrmEvent e) {
        return e instanceof io.mrm.events.decision.DecisionEvent
                || e instanceof io.mrm.events.topology.TopologyEvent
                || e instanceof StepCommand;
    }

    private static Map<String, MrmEvent> byId(List<MrmEvent> events) {
        Map<String, MrmEvent> map = new LinkedHashMap<>();
        events.forEach(e -> map.put(e.id(), e));
        return map;
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
