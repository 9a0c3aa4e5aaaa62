package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.journal.EngineStep;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import io.mrm.testsupport.TopicRecorder.Recorded;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import java.util.zip.CRC32;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Records on the wrong partition for their key, on the real broker. The topics have 6 partitions,
 * made before the engine starts, while the engine is configured with {@code mrm.kafka.partitions=2}:
 * the check must count the topic's real partitions. kcat's default partitioner (CRC32) puts the key
 * {@code orders} on another partition than the Java client (murmur2); such a request must be
 * dead-lettered and alerted, never acted on by the task that does not hold the application's state,
 * and the same request sent with {@code -X partitioner=murmur2_random} (what {@code mrmctl sign}
 * prints) must be accepted.
 *
 * <p>kcat must be installed ({@code .ci/run} installs it): without it the kcat test fails, unless
 * {@code -Dkcat.optional=true} is given, which skips it knowingly.
 */
class WrongPartitionIT {

    /** Not under {@code mrm.}: the engine runs in this JVM and refuses keys under it that it does not take. */
    static final String KCAT_OPTIONAL = "kcat.optional";

    static final int PARTITIONS = 6;
    static final String APP = "orders";
    static final List<String> POLICY = List.of(
            "id=" + APP,
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "step-timeout=60s");
    static final Duration FIRST = Duration.ofSeconds(120);
    static final Duration THEN = Duration.ofSeconds(120);

    static final byte[] KEY = APP.getBytes(StandardCharsets.UTF_8);
    /** Where the Java client puts the key: Kafka's own partitioner, not the engine's copy of it. */
    static final int JAVA_PARTITION = BuiltInPartitioner.partitionForKey(KEY, PARTITIONS);

    @TempDir
    Path dir;

    @Test
    void aRequestSentWithKcatsDefaultPartitionerIsRefusedAndWithMurmur2Accepted() throws Exception {
        Path kcat = kcat();
        int kcatPartition = kcatDefaultPartition(KEY, PARTITIONS);
        assertThat(kcatPartition)
                .as("kcat's default partition of '%s' must differ from Java's, or this test " + "proves nothing", APP)
                .isNotEqualTo(JAVA_PARTITION);
        try (EngineHarness harness = new EngineHarness("wrongpart-kcat.", POLICY)) {
            TopicRecorder recorder = startEngine(harness);
            EventCodec codec = new EventCodec(harness.names, URI.create("/test/kcat"));
            FreezeRequest freeze = new FreezeRequest(
                    UUID.randomUUID().toString(), APP, Instant.now(), 1, "alice@example.com", "change window CHG-42");
            String requests = harness.names.of(Topics.OPERATOR_REQUESTS);

            // given kcat with its default partitioner
            kcatSend(kcat, harness, codec.toRecord(freeze), false);

            // then the request is dead-lettered from where kcat put it, and the producer alerted
            DeadLetter deadLetter = recorder.await(
                    DeadLetter.class,
                    d -> d.sourceTopic().equals(requests) && d.category() == DeadLetterReason.WRONG_PARTITION,
                    FIRST);
            assertThat(deadLetter.partition()).isEqualTo(kcatPartition);
            assertThat(deadLetter.applicationId()).isEqualTo(APP);
            assertThat(deadLetter.reason())
                    .contains("key 'orders' belongs on partition " + JAVA_PARTITION + " of the " + PARTITIONS + " of "
                            + requests)
                    .contains("arrived on partition " + kcatPartition);
            Alert alert = recorder.await(Alert.class, a -> a.code().equals(PartitionCheck.ALERT_CODE), THEN);
            assertThat(alert.severity()).isEqualTo(AlertSeverity.CRITICAL);
            assertThat(alert.applicationId()).isEqualTo(APP);
            assertThat(alert.message())
                    .contains(requests + " partition " + kcatPartition)
                    .contains("ce_source '/test/kcat'")
                    .contains("-X partitioner=murmur2_random");
            assertThat(partitionOf(recorder, alert))
                    .as("the alert is keyed by the application")
                    .isEqualTo(JAVA_PARTITION);

            // when the same request is sent as `mrmctl sign` prints it
            kcatSend(kcat, harness, codec.toRecord(freeze), true);

            // then it is accepted, by the task that holds the application's state
            RequestOutcome outcome =
                    recorder.await(RequestOutcome.class, o -> o.requestId().equals(freeze.id()), THEN);
            assertThat(outcome.accepted()).as(outcome.reason()).isTrue();
            TopologyState frozen =
                    recorder.await(TopologyState.class, t -> t.applicationId().equals(APP) && t.frozen(), THEN);
            assertThat(frozen.epoch()).isZero();
            EngineStep step = recorder.await(
                    EngineStep.class, s -> s.input() != null && s.input().id().equals(freeze.id()), THEN);
            assertThat(step.input().partition()).isEqualTo(JAVA_PARTITION);

            // and the refused copy reached no task: its outputs would be on the same partitions, earlier
            assertThat(recorder.events(RequestOutcome.class)).as("outcomes").hasSize(1);
            assertThat(recorder.events(TopologyState.class))
                    .as("topology records")
                    .hasSize(1);
            assertThat(recorder.events(EngineStep.class).stream().filter(s -> s.input() != null))
                    .as("journaled inputs")
                    .hasSize(1);
        }
    }

    @Test
    void aJavaProducerThatPicksTheWrongPartitionIsRefusedOnEveryInputTopic() throws Exception {
        try (EngineHarness harness = new EngineHarness("wrongpart-java.", POLICY)) {
            TopicRecorder recorder = startEngine(harness);
            EventCodec codec = new EventCodec(harness.names, URI.create("/test/java-producer"));
            KafkaProducer<String, byte[]> producer = harness.closeLater(new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            harness.kafka.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all"),
                    new StringSerializer(),
                    new ByteArraySerializer()));
            Instant now = Instant.now();
            HealthObservation down = new HealthObservation(
                    UUID.randomUUID().toString(),
                    APP,
                    now,
                    1,
                    "eu10",
                    "app",
                    ProbeKind.HTTP,
                    "vantage-1",
                    HealthStatus.DOWN,
                    2L,
                    null);
            ManualFailoverRequest breakGlass = new ManualFailoverRequest(
                    UUID.randomUUID().toString(),
                    APP,
                    now,
                    1,
                    "alice@example.com",
                    "us10",
                    FailoverMode.FORCED,
                    List.of(SafetyRule.STANDBY_HEALTHY, SafetyRule.NOT_BOTH_DOWN),
                    "break glass CHG-44");
            CommandAck ack = new CommandAck(
                    UUID.randomUUID().toString(),
                    APP,
                    now,
                    1,
                    "cmd-1",
                    new StepRef("decision-1", 1, 0, 1, now.plusSeconds(60)),
                    Actuator.DNS,
                    StepAction.DNS_ROUTE,
                    AckOutcome.SUCCEEDED,
                    null,
                    "done",
                    1,
                    Map.of());
            io.mrm.events.readiness.ReadinessReport report = new io.mrm.events.readiness.ReadinessReport(
                    UUID.randomUUID().toString(),
                    APP,
                    now,
                    io.mrm.events.readiness.ReadinessReport.SCHEMA_VERSION,
                    Actuator.DNS,
                    60_000,
                    List.of(new io.mrm.events.readiness.ReadinessCheck(
                            "us10",
                            StepAction.DNS_ROUTE,
                            "hosted-zone",
                            io.mrm.events.readiness.ReadinessStatus.NOT_READY,
                            "misplaced",
                            now,
                            1)));
            List<MrmEvent> misplaced = List.of(down, breakGlass, ack, report);

            // given one record per input topic, each sent to a partition the producer chose wrongly
            for (int i = 0; i < misplaced.size(); i++) {
                int wrong = (JAVA_PARTITION + 1 + i) % PARTITIONS;
                producer.send(withPartition(codec.toRecord(misplaced.get(i)), wrong))
                        .get(30, TimeUnit.SECONDS);
            }
            // a record without key, and one whose key (partitioned right for it) is not its application
            FreezeRequest keyless = freeze();
            producer.send(withKey(codec.toRecord(keyless), null)).get(30, TimeUnit.SECONDS);
            FreezeRequest mislabelled = freeze();
            producer.send(withKey(codec.toRecord(mislabelled), "billing")).get(30, TimeUnit.SECONDS);

            // then each misplaced one is dead-lettered as WRONG_PARTITION, from its topic, with its own alert
            for (Topic<?> input : DecisionEngineTopology.INPUTS) {
                String topic = harness.names.of(input);
                DeadLetter deadLetter = recorder.await(
                        DeadLetter.class,
                        d -> d.sourceTopic().equals(topic) && d.category() == DeadLetterReason.WRONG_PARTITION,
                        FIRST);
                assertThat(deadLetter.reason())
                        .contains("belongs on partition " + JAVA_PARTITION + " of the " + PARTITIONS + " of " + topic);
            }
            recorder.await(
                    Alert.class,
                    a -> a.code().equals(PartitionCheck.ALERT_CODE)
                            && a.message().contains(harness.names.of(Topics.COMMAND_ACKS)),
                    THEN);
            assertThat(recorder.events(Alert.class).stream()
                            .filter(a -> a.code().equals(PartitionCheck.ALERT_CODE))
                            .map(Alert::id)
                            .distinct())
                    .as("one alert per misplaced topic partition")
                    .hasSize(misplaced.size());
            // and the decoder refuses the other two: no key, and a key that is not the body's application
            // ('billing' is on partition 3 of 6, which the configured count of 2 would call wrong)
            DeadLetter noKey = recorder.await(
                    DeadLetter.class,
                    d -> d.category() == DeadLetterReason.INVALID && d.reason().contains("record key 'null'"),
                    THEN);
            assertThat(noKey.keyBase64()).isNull();
            DeadLetter otherKey = recorder.await(
                    DeadLetter.class,
                    d -> d.category() == DeadLetterReason.INVALID
                            && d.reason().contains("record key 'billing' must be the body's applicationId 'orders'"),
                    THEN);
            assertThat(otherKey.partition())
                    .isEqualTo(
                            BuiltInPartitioner.partitionForKey("billing".getBytes(StandardCharsets.UTF_8), PARTITIONS));

            // when a correctly partitioned request follows
            FreezeRequest freeze = freeze();
            harness.publish(freeze);

            // then only it reached the application's state: no failover, no other outcome, one topology record
            RequestOutcome outcome =
                    recorder.await(RequestOutcome.class, o -> o.requestId().equals(freeze.id()), FIRST);
            assertThat(outcome.accepted()).as(outcome.reason()).isTrue();
            TopologyState topology =
                    recorder.await(TopologyState.class, t -> t.applicationId().equals(APP), THEN);
            assertThat(topology.frozen()).isTrue();
            assertThat(topology.epoch()).isZero();
            assertThat(topology.activeRegion()).isEqualTo("eu10");
            assertThat(recorder.events(FailoverDecision.class)).isEmpty();
            assertThat(recorder.events(RequestOutcome.class)).hasSize(1);
            assertThat(recorder.events(TopologyState.class)).hasSize(1);
            Set<String> refusedIds = Set.of(down.id(), breakGlass.id(), ack.id(), keyless.id(), mislabelled.id());
            assertThat(recorder.events(EngineStep.class))
                    .as("journaled steps")
                    .noneMatch(s ->
                            s.input() != null && refusedIds.contains(s.input().id()));
        }
    }

    /** All MRM topics with 6 partitions, made before the engine (configured with 2) starts. */
    private static TopicRecorder startEngine(EngineHarness harness) throws Exception {
        try (Admin admin = Admin.create(Map.of("bootstrap.servers", harness.kafka.bootstrapServers()))) {
            admin.createTopics(Topics.ALL.stream()
                            .map(topic -> new NewTopic(harness.names.of(topic), PARTITIONS, (short) 1)
                                    .configs(Map.of(
                                            TopicConfig.CLEANUP_POLICY_CONFIG,
                                            topic.cleanup().kafkaValue())))
                            .toList())
                    .all()
                    .get(30, TimeUnit.SECONDS);
        }
        harness.closeLater(harness.startEngine("engine-0"));
        return harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
    }

    private static FreezeRequest freeze() {
        return new FreezeRequest(
                UUID.randomUUID().toString(), APP, Instant.now(), 1, "alice@example.com", "change window CHG-42");
    }

    /** librdkafka's default partitioner (consistent_random): CRC32 of a non-empty key modulo the partitions. */
    private static int kcatDefaultPartition(byte[] key, int partitions) {
        CRC32 crc = new CRC32();
        crc.update(key);
        return (int) (crc.getValue() % partitions);
    }

    private static int partitionOf(TopicRecorder recorder, MrmEvent event) {
        return recorder.records().stream()
                .filter(r -> r.event() == event)
                .map(Recorded::partition)
                .findFirst()
                .orElseThrow();
    }

    private static ProducerRecord<String, byte[]> withPartition(ProducerRecord<String, byte[]> record, int partition) {
        return new ProducerRecord<>(record.topic(), partition, record.key(), record.value(), record.headers());
    }

    private static ProducerRecord<String, byte[]> withKey(ProducerRecord<String, byte[]> record, String key) {
        return new ProducerRecord<>(record.topic(), null, key, record.value(), record.headers());
    }

    /** Sends as a user of `mrmctl sign` does: the body from a file, the CloudEvents headers as -H. */
    private void kcatSend(Path kcat, EngineHarness harness, ProducerRecord<String, byte[]> record, boolean murmur2)
            throws Exception {
        Path body = Files.write(dir.resolve(UUID.randomUUID() + ".json"), record.value());
        List<String> command = new ArrayList<>(List.of(
                kcat.toString(),
                "-P",
                "-b",
                harness.kafka.bootstrapServers(),
                "-t",
                record.topic(),
                "-k",
                record.key()));
        if (murmur2) {
            command.addAll(List.of("-X", "partitioner=murmur2_random"));
        }
        for (Header header : record.headers()) {
            command.addAll(List.of("-H", header.key() + "=" + new String(header.value(), StandardCharsets.UTF_8)));
        }
        command.add(body.toString());
        Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
        if (!process.waitFor(60, TimeUnit.SECONDS)) {
            process.destroyForcibly();
            fail("kcat did not finish within 60 s: " + command);
        }
        String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(process.exitValue()).as("kcat: " + output).isZero();
    }

    /** kcat on the PATH; its absence fails the test unless the run opted out explicitly. */
    private static Path kcat() {
        Optional<Path> kcat = Stream.of(System.getenv().getOrDefault("PATH", "").split(":"))
                .map(entry -> Path.of(entry, "kcat"))
                .filter(Files::isExecutable)
                .findFirst();
        if (kcat.isEmpty()) {
            String message = "kcat is not installed (apt-get install kcat; .ci/run installs it)";
            Assumptions.assumeFalse(
                    Boolean.getBoolean(KCAT_OPTIONAL), message + "; skipped as -D" + KCAT_OPTIONAL + "=true asks");
            fail(message + ". This test sends with kcat's own partitioner, which no Java client can stand in "
                    + "for; to skip it knowingly, run with -D" + KCAT_OPTIONAL + "=true");
        }
        return kcat.get();
    }
}
