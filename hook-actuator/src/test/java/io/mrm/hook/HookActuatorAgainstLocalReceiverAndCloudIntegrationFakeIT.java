package io.mrm.hook;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.micrometer.core.instrument.MeterRegistry;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.HookRunCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.OperatorKeys;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.hook.adapter.CloudIntegrationFake;
import io.mrm.hook.adapter.LocalReceiver;
import io.mrm.hook.adapter.LocalReceiver.Answer;
import io.mrm.hook.adapter.LocalReceiver.Delivery;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as deployed (bus authentication required, a real in-process broker) executes the engine's signed
 * hook commands against two local HTTP hook receivers (one of them a pre-flight hook) and two
 * {@link CloudIntegrationFake} tenants, and answers with acks signed by hook-actuator. Each test uses its own
 * application id, so that the epochs one test records cannot fence another's commands.
 */
@SpringBootTest(
        classes = HookActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=hook-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hookit.",
            "mrm.kafka.partitions=1",
            "mrm.hook.poll-interval=100ms",
            "mrm.hook.http.notify-ops.applications.orders[0]=eu10",
            "mrm.hook.http.notify-ops.applications.orders[1]=us10",
            "mrm.hook.http.change-freeze.preflight=true",
            "mrm.hook.http.change-freeze.applications.orders[0]=eu10",
            "mrm.hook.http.change-freeze.applications.orders[1]=us10",
            "mrm.hook.cloud-integration.cpi-orders.applications.orders.artifacts[0].id=orders-sync",
            // the first round runs at start; the bound is for a saturated machine, not an expectation
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s"
        })
class HookActuatorAgainstLocalReceiverAndCloudIntegrationFakeIT {

    static final String HOOK_SECRET = "it-hook-secret";
    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hookit.");
    static final BusKeyring KEYS = keyring();
    static final Path SECRETS = secrets();
    static final LocalReceiver NOTIFY_OPS = receiver();
    static final LocalReceiver CHANGE_FREEZE = receiver();
    static final CloudIntegrationFake EU10 = cloudIntegration().deployed("orders-sync", "3.1.0", "STARTED");
    static final CloudIntegrationFake US10 = cloudIntegration();
    static final KeyPair INTRUDER = OperatorKeys.generate();
    static final ObjectMapper JSON = new ObjectMapper();

    @Autowired
    MeterRegistry meters;

    final EventCodec engine =
            new EventCodec(NAMES, URI.create("/mrm/decision-engine/1"), KEYS.signingAs(BusSigner.ENGINE));

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        String hookSecret = SECRETS.resolve("hook-secret").toString();
        registry.add("mrm.hook.http.notify-ops.url", () -> NOTIFY_OPS.url().toString());
        registry.add("mrm.hook.http.notify-ops.secret.file", () -> hookSecret);
        registry.add(
                "mrm.hook.http.change-freeze.url", () -> CHANGE_FREEZE.url().toString());
        registry.add("mrm.hook.http.change-freeze.secret.file", () -> hookSecret);
        String app = "mrm.hook.cloud-integration.cpi-orders.applications.orders.regions.";
        Map.of("eu10", EU10, "us10", US10).forEach((region, fake) -> {
            registry.add(app + region + ".api-url", () -> fake.apiUrl().toString());
            registry.add(app + region + ".token-url", () -> fake.tokenUrl().toString());
            registry.add(app + region + ".client-id", () -> CloudIntegrationFake.CLIENT_ID);
            registry.add(
                    app + region + ".client-secret.file",
                    () -> SECRETS.resolve("client-secret").toString());
        });
        // a list binds from one property source: all of the bus settings are here
        KEYS.properties("hook-actuator", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() {
        NOTIFY_OPS.close();
        CHANGE_FREEZE.close();
        EU10.close();
        US10.close();
        KAFKA.close();
    }

    @Test
    void aHookStepIsPostedSignedOnceAndAcknowledgedSucceeded() throws Exception {
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, engine.toRecord(run("c-billing-1", "billing", 1, "notify-ops", false, false)));

            CommandAck ack = HookEngineSide.awaitSignedAck(KAFKA.bootstrapServers(), NAMES, KEYS, "c-billing-1");

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(ack.actuator()).isEqualTo(Actuator.HOOK);
            assertThat(ack.action()).isEqualTo(StepAction.HOOK);
            assertThat(ack.detail()).isEqualTo("done");
            assertThat(ack.observed()).containsEntry("hook", "notify-ops").containsEntry("http-status", "200");
            assertThat(ack.fenceEpoch()).isEqualTo(1L);
            List<Delivery> deliveries = deliveriesOf(NOTIFY_OPS, "c-billing-1");
            assertThat(deliveries).singleElement().satisfies(d -> {
                assertThat(d.signatureValid()).isTrue();
                assertThat(JSON.readTree(d.body()).path("application").asText()).isEqualTo("billing");
                assertThat(JSON.readTree(d.body()).path("rehearsal").asBoolean())
                        .isFalse();
            });
            // timed by the shared command path, the backend named by the kind of hook the step names
            Awaitility.await("the command's timer")
                    .atMost(Duration.ofSeconds(30))
                    .untilAsserted(() -> assertThat(meters.get("mrm.command.duration")
                                    .tags("actuator", "hook", "action", "HOOK", "backend", "http")
                                    .tags("outcome", "SUCCEEDED", "rehearsal", "false")
                                    .timer()
                                    .count())
                            .isPositive());
        }
    }

    @Test
    void aPreflightHooksVetoIsAcknowledgedVetoedWithItsReason() {
        CHANGE_FREEZE.answering(Answer.json("VETO", "month-end close is running"));
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, engine.toRecord(run("c-payroll-1", "payroll", 1, "change-freeze", true, false)));

            CommandAck ack =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-payroll-1"), Duration.ofSeconds(60));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.VETOED);
            assertThat(ack.action()).isEqualTo(StepAction.PREFLIGHT_HOOK);
            assertThat(ack.detail()).isEqualTo("month-end close is running");
            assertThat(ack.errorCode()).isEqualTo("VETO");
            assertThat(deliveriesOf(CHANGE_FREEZE, "c-payroll-1")).hasSize(1);
        }
    }

    @Test
    void aPreflightCommandForAHookThatActsIsAFatalMisconfigurationAndCallsNothing() {
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, engine.toRecord(run("c-legal-1", "legal", 1, "notify-ops", true, false)));

            CommandAck ack =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-legal-1"), Duration.ofSeconds(60));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_FATAL);
            assertThat(ack.detail()).contains("not configured with preflight: true");
            assertThat(deliveriesOf(NOTIFY_OPS, "c-legal-1")).isEmpty();
        }
    }

    @Test
    void theSameCommandDeliveredTwiceCallsTheHookOnceAndIsAnsweredAlike() {
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            HookRunCommand command = run("c-crm-1", "crm", 2, "notify-ops", false, false);
            send(producer, engine.toRecord(command));
            send(producer, engine.toRecord(command));

            org.awaitility.Awaitility.await()
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> acksOf(recorder, "c-crm-1").size() == 2);
            List<CommandAck> acks = acksOf(recorder, "c-crm-1");

            assertThat(deliveriesOf(NOTIFY_OPS, "c-crm-1")).hasSize(1);
            assertThat(acks.get(0).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(acks.get(1).id()).isEqualTo(acks.get(0).id());
            assertThat(acks.get(1).outcome()).isEqualTo(acks.get(0).outcome());
            assertThat(acks.get(1).detail()).isEqualTo(acks.get(0).detail());
            assertThat(acks.get(1).observed()).isEqualTo(acks.get(0).observed());
        }
    }

    @Test
    void aStaleEpochIsRejectedAndTheHookIsNotCalled() {
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, engine.toRecord(run("c-hr-5", "hr", 5, "notify-ops", false, false)));
            recorder.await(CommandAck.class, a -> a.commandId().equals("c-hr-5"), Duration.ofSeconds(60));
            send(producer, engine.toRecord(run("c-hr-4", "hr", 4, "notify-ops", false, false)));

            CommandAck stale =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-hr-4"), Duration.ofSeconds(60));

            assertThat(stale.outcome()).as(stale.detail()).isEqualTo(AckOutcome.REJECTED_STALE);
            assertThat(stale.fenceEpoch()).isEqualTo(5L);
            assertThat(deliveriesOf(NOTIFY_OPS, "c-hr-5")).hasSize(1);
            assertThat(deliveriesOf(NOTIFY_OPS, "c-hr-4")).isEmpty();
            assertThat(meters.get("mrm.fence.refusals")
                            .tag("actuator", "hook")
                            .counter()
                            .count())
                    .isPositive();
        }
    }

    @Test
    void aRehearsalReadsOnlyAndTellsTheReceiverNotToAct() throws Exception {
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            int euChanges = EU10.changes.size();
            int usChanges = US10.changes.size();
            send(producer, engine.toRecord(run("d-orders-cpi", "orders", 1, "cpi-orders", false, true)));
            send(producer, engine.toRecord(run("d-orders-notify", "orders", 1, "notify-ops", false, true)));

            CommandAck cpi =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("d-orders-cpi"), Duration.ofSeconds(60));
            CommandAck notify = recorder.await(
                    CommandAck.class, a -> a.commandId().equals("d-orders-notify"), Duration.ofSeconds(60));

            assertThat(cpi.outcome()).as(cpi.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(cpi.detail()).startsWith("would undeploy [orders-sync] in eu10");
            assertThat(cpi.observed())
                    .containsEntry("rehearsal", "true")
                    .containsEntry("changed", "false")
                    .containsEntry("eu10.orders-sync", "STARTED 3.1.0")
                    .containsEntry("us10.orders-sync", "NOT_DEPLOYED");
            assertThat(EU10.changes).hasSize(euChanges);
            assertThat(US10.changes).hasSize(usChanges);
            assertThat(notify.outcome()).as(notify.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(deliveriesOf(NOTIFY_OPS, "d-orders-notify"))
                    .singleElement()
                    .satisfies(d -> assertThat(
                                    JSON.readTree(d.body()).path("rehearsal").asBoolean())
                            .isTrue());
        }
    }

    /** Anyone who can write to commands.hook must not be able to run a hook: only the engine's signature counts. */
    @Test
    void forgedCommandsAreDeadLetteredAndNeverReachAHook() {
        EventCodec unsigned = new EventCodec(NAMES, URI.create("/mrm/intruder/1"));
        // names the engine's key id, signs with a key of its own
        EventCodec intruder = new EventCodec(
                NAMES,
                URI.create("/mrm/intruder/1"),
                RecordAuthenticator.required(
                        KEYS.environment(),
                        Optional.of(new SigningKey(
                                KEYS.signingKey(BusSigner.ENGINE).id(), BusSigner.ENGINE, INTRUDER.getPrivate())),
                        List.of(),
                        List.of()));
        try (TopicRecorder recorder = recorder();
                KafkaProducer<String, byte[]> producer = producer()) {
            send(producer, unsigned.toRecord(run("c-forged-1", "audit", 9, "notify-ops", false, false)));
            send(producer, intruder.toRecord(run("c-forged-2", "audit", 9, "notify-ops", false, false)));

            for (String forged : List.of("c-forged-1", "c-forged-2")) {
                DeadLetter deadLetter = recorder.await(
                        DeadLetter.class,
                        d -> d.category() == DeadLetterReason.UNAUTHENTICATED
                                && new String(Base64.getDecoder().decode(d.valueBase64()), StandardCharsets.UTF_8)
                                        .contains(forged),
                        Duration.ofSeconds(60));
                assertThat(deadLetter.consumer()).isEqualTo("hook-actuator");
            }
            // the engine's next command for the application runs: the forged epoch 9 fenced nothing
            send(producer, engine.toRecord(run("c-audit-1", "audit", 1, "notify-ops", false, false)));
            CommandAck ack =
                    recorder.await(CommandAck.class, a -> a.commandId().equals("c-audit-1"), Duration.ofSeconds(60));

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(recorder.events(CommandAck.class))
                    .noneMatch(a -> a.commandId().startsWith("c-forged"));
            assertThat(NOTIFY_OPS.deliveries).noneMatch(d -> d.deliveryId().startsWith("c-forged"));
        }
    }

    @Test
    void readinessIsPublishedForTheConfiguredApplicationWithoutCallingAHook() {
        ReadinessReport report =
                HookEngineSide.awaitSignedReadinessReport(KAFKA.bootstrapServers(), NAMES, KEYS, "orders");

        assertThat(report.actuator()).isEqualTo(Actuator.HOOK);
        assertThat(report.checks())
                .extracting(c -> c.check() + " " + c.action() + " " + c.region() + " " + c.status())
                .containsExactlyInAnyOrder(
                        "notify-ops HOOK eu10 READY",
                        "notify-ops HOOK us10 READY",
                        "change-freeze PREFLIGHT_HOOK eu10 READY",
                        "change-freeze PREFLIGHT_HOOK us10 READY",
                        "cpi-orders HOOK eu10 READY",
                        "cpi-orders HOOK us10 READY");
        assertThat(report.checks())
                .filteredOn(c -> c.check().equals("cpi-orders") && c.region().equals("eu10"))
                .singleElement()
                .extracting(ReadinessCheck::reason)
                .asString()
                .contains("token obtained", "orders-sync 3.1.0 (runtime: STARTED 3.1.0)");
        assertThat(report.checks())
                .filteredOn(c -> c.check().equals("notify-ops"))
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(ReadinessStatus.READY));
        // a readiness check connects; it never posts a step
        assertThat(NOTIFY_OPS.deliveries)
                .allMatch(d -> d.deliveryId().startsWith("c-") || d.deliveryId().startsWith("d-"));
        assertThat(CHANGE_FREEZE.deliveries).allMatch(d -> d.deliveryId().startsWith("c-"));
    }

    private static HookRunCommand run(
            String id, String application, long epoch, String hook, boolean preflight, boolean rehearsal) {
        Instant now = Instant.now();
        return new HookRunCommand(
                id,
                application,
                now,
                HookRunCommand.SCHEMA_VERSION,
                new StepRef("d-hook-it", epoch, 0, 1, now.plusSeconds(120), rehearsal ? Boolean.TRUE : null),
                hook,
                preflight ? Boolean.TRUE : null,
                "eu10",
                "us10",
                FailoverMode.GRACEFUL);
    }

    private static List<Delivery> deliveriesOf(LocalReceiver receiver, String commandId) {
        return receiver.deliveries.stream()
                .filter(d -> commandId.equals(d.deliveryId()))
                .toList();
    }

    private static List<CommandAck> acksOf(TopicRecorder recorder, String commandId) {
        return recorder.events(CommandAck.class).stream()
                .filter(a -> a.commandId().equals(commandId))
                .toList();
    }

    private static TopicRecorder recorder() {
        return new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.COMMAND_ACKS, Topics.DEAD_LETTERS));
    }

    private static KafkaProducer<String, byte[]> producer() {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all"),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    private static void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("hook-actuator-bus-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static Path secrets() {
        try {
            Path dir = Files.createTempDirectory("hook-actuator-secrets");
            Files.writeString(dir.resolve("hook-secret"), HOOK_SECRET);
            Files.writeString(dir.resolve("client-secret"), CloudIntegrationFake.CLIENT_SECRET);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static LocalReceiver receiver() {
        try {
            return LocalReceiver.http(HOOK_SECRET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static CloudIntegrationFake cloudIntegration() {
        try {
            return new CloudIntegrationFake().designtime("orders-sync", "3.1.0");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
