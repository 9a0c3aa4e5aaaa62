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
import io.mrm.testsupport.TopicRecorder.Recorded;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * Crash safety against a real crash: the engine runs in a JVM of its own and is killed with
 * SIGKILL while its transaction is open — after it has written the next step's command (or the
 * final topology) but before it commits — after every step of a four-step plan. The moment to kill
 * is taken from the engine's own progress, not from a clock: a test hook on its producer
 * ({@link HoldTransactionOpen}) reports when the broker has acknowledged that record and from then
 * on keeps the transaction from committing, so every kill lands mid-transaction however busy the
 * machine is. The replacement alternately keeps the state directory (a restarted pod with its
 * volume: same transactional identity, so the open transaction is fenced and aborted at once) and
 * starts with an empty one (a pod rescheduled elsewhere: the broker aborts the orphaned transaction
 * when it times out, and the state is restored from the changelog).
 *
 * <p>What must hold, read with {@code read_committed} as every consumer of MRM reads: the plan
 * finishes exactly once — one decision, one command per step, every step succeeded, epochs never
 * going backwards — and nothing the killed instances had written is visible. Read uncommitted, the
 * killed transactions' records are visible too, and the re-issued command of a step carries the
 * same command id as the aborted one (ids are derived from the input, not from the instance), so
 * even a consumer that read uncommitted would not see a second command for a step.
 */
class EngineKilledMidTransactionIT {

    /**
     * Observations never go stale during the test (it outlasts the default 30 s, and restarts wait
     * for orphaned transactions): a tick that raised a "blind" alert between the kill and the
     * re-processed ack would take the next output id, and the re-issued command would then rightly
     * get a new id — the committed view would still be exactly-once, but the test could no longer
     * show that re-processing the same inputs reproduces the same ids.
     */
    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "plan=EVENTS_SET_ACTIVE,EVENTS_VERIFY,DNS_ROUTE,DNS_VERIFY",
            "step-timeout=10m",
            "stale-after=30m");

    static final int STEPS = 4;

    /** The effect of the ack of {@code step}: the next step's command, or the topology that ends the plan. */
    static String effectOfAck(int step) {
        return step < STEPS - 1 ? "command:" + (step + 1) : "steady:us10";
    }

    @Test
    void aPlanFinishesExactlyOnceWhenTheEngineIsKilledMidTransactionAfterEveryStep() throws Exception {
        Path logs = Files.createDirectories(Path.of("target", "engine-kill-logs"));
        Path markers = Files.createTempDirectory("engine-held");
        try (EngineHarness harness = new EngineHarness("kill.", POLICY)) {
            Path stateDir = Files.createTempDirectory("engine-killed");
            Process engine = startEngine(harness, 0, stateDir, markers, logs);
            List<String> killedAt = new ArrayList<>();
            try {
                // the engine creates the topics; a JVM of its own may take minutes to start on a busy machine
                awaitTopics(harness, engine);
                TopicRecorder committed = harness.closeLater(
                        new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
                TopicRecorder uncommitted = harness.closeLater(TopicRecorder.includingUncommitted(
                        harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
                harness.report("us10", HealthStatus.UP);
                harness.report("eu10", HealthStatus.DOWN);

                for (int step = 0; step < STEPS; step++) {
                    int index = step;
                    StepCommand command = committed.await(
                            StepCommand.class, c -> c.step().stepIndex() == index, Duration.ofSeconds(120));
                    harness.publish(Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 1, Map.of(), Instant.now()));
                    // engine-N has written the ack's effect and holds its transaction open: kill it now
                    Path marker = markers.resolve("engine-" + step);
                    String held = Awaitility.await("engine-" + step + " holds " + effectOfAck(step) + " uncommitted")
                            .atMost(Duration.ofSeconds(120))
                            .pollInterval(Duration.ofMillis(20))
                            .until(() -> Files.exists(marker) ? Files.readString(marker) : null, Objects::nonNull);
                    engine.destroyForcibly();
                    assertThat(engine.waitFor(60, TimeUnit.SECONDS))
                            .as("killed engine exited")
                            .isTrue();
                    killedAt.add(held);
                    // what it held is in the log, and is the ack's effect
                    Recorded written = awaitRecordAt(uncommitted, held);
                    assertThat(HoldTransactionOpen.parse(effectOfAck(step)))
                            .as("the record held at " + held)
                            .accepts(written.event());
                    if (step % 2 == 1) {
                        stateDir = Files.createTempDirectory("engine-killed");
                    }
                    engine = startEngine(harness, step + 1, stateDir, markers, logs);
                }
                TopologyState done = committed.await(
                        TopologyState.class,
                        t -> t.phase() == Phase.STEADY && t.activeRegion().equals("us10"),
                        Duration.ofSeconds(120));

                assertThat(done.epoch()).isEqualTo(1);
                assertThat(done.planSteps())
                        .extracting(s -> s.status())
                        .containsOnly(StepStatus.SUCCEEDED)
                        .hasSize(STEPS);
                assertThat(committed.events(FailoverDecision.class)).hasSize(1);
                assertThat(committed.events(StepCommand.class))
                        .as("committed commands: one per step, no duplicate")
                        .hasSize(STEPS);
                assertOneCommandIdPerStep(committed.events(StepCommand.class), "committed");
                assertOneCommandIdPerStep(uncommitted.events(StepCommand.class), "uncommitted, aborted included");
                List<Long> epochs = committed.events(TopologyState.class).stream()
                        .map(TopologyState::epoch)
                        .toList();
                for (int i = 1; i < epochs.size(); i++) {
                    assertThat(epochs.get(i)).as("epochs in order " + epochs).isGreaterThanOrEqualTo(epochs.get(i - 1));
                }
                // Every kill was mid-transaction: what each killed instance had written was aborted, so
                // read_committed never saw it (the committed view has read past each of those offsets:
                // it saw the re-issued records that follow them).
                Set<String> committedPositions = committed.records().stream()
                        .map(EngineKilledMidTransactionIT::position)
                        .collect(Collectors.toSet());
                assertThat(killedAt)
                        .as("positions the killed instances held uncommitted")
                        .hasSize(STEPS)
                        .doesNotHaveDuplicates()
                        .noneMatch(committedPositions::contains);
            } finally {
                engine.destroyForcibly();
                engine.waitFor(60, TimeUnit.SECONDS);
            }
        }
    }

    /**
     * Engine instance {@code n} (0 to 4): every one but the last holds open the transaction that
     * answers the ack of step {@code n}. Commit-on-output is on, so everything else commits at once.
     */
    private static Process startEngine(EngineHarness harness, int n, Path stateDir, Path markers, Path logs)
            throws Exception {
        List<String> hook = new ArrayList<>();
        if (n < STEPS) {
            HoldTransactionOpen.settings(effectOfAck(n), markers.resolve("engine-" + n))
                    .forEach((key, value) ->
                            hook.add("--spring.kafka.streams.properties[producer." + key + "]=" + value));
        }
        return harness.startEngineProcess(
                "engine-0", stateDir, "100ms", true, logs.resolve("engine-" + n + ".log"), hook);
    }

    private static void awaitTopics(EngineHarness harness, Process engine) throws Exception {
        Set<String> names = Topics.ALL.stream().map(harness.names::of).collect(Collectors.toSet());
        try (Admin admin =
                Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, harness.kafka.bootstrapServers()))) {
            Awaitility.await("the engine created its topics")
                    .atMost(Duration.ofMinutes(5))
                    .pollInterval(Duration.ofMillis(200))
                    .failFast("the engine exited", () -> !engine.isAlive())
                    .until(() -> admin.listTopics().names().get().containsAll(names));
        }
    }

    private static Recorded awaitRecordAt(TopicRecorder recorder, String position) {
        return Awaitility.await("record at " + position)
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(20))
                .until(
                        () -> recorder.records().stream()
                                .filter(r -> position(r).equals(position))
                                .findFirst()
                                .orElse(null),
                        Objects::nonNull);
    }

    private static void assertOneCommandIdPerStep(List<StepCommand> commands, String view) {
        Map<Integer, Set<String>> idsByStep = commands.stream()
                .collect(Collectors.groupingBy(
                        c -> c.step().stepIndex(), Collectors.mapping(StepCommand::id, Collectors.toSet())));
        assertThat(idsByStep).as(view).hasSize(4);
        idsByStep.forEach((index, ids) ->
                assertThat(ids).as(view + ": command ids of step " + index).hasSize(1));
    }

    private static String position(Recorded r) {
        return r.topic() + "/" + r.partition() + "/" + r.offset();
    }
}
