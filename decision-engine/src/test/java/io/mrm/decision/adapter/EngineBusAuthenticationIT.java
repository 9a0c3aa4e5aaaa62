package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.AlertCode;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.SigningKey;
import io.mrm.events.auth.BusKeys.VantageSecret;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.operator.UnfreezeRequest;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.KeyPair;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The engine as deployed with bus authentication required, on a real broker: what an attacker with
 * write access to the observations and acks topics would send is dead-lettered as unauthenticated
 * and alerted, and moves nothing; the same inputs from the holders of the right keys do.
 */
class EngineBusAuthenticationIT {

    static final String APP = "orders";
    static final List<String> POLICY = List.of(
            "id=" + APP,
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "plan=DNS_ROUTE,DNS_VERIFY",
            // the test checks the route took one attempt: no timeout on a slow machine may add one
            "step-timeout=10m");
    static final Duration WITHIN = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void forgedObservationsAndForgedAcksMoveNothing() throws Exception {
        try (EngineHarness harness = new EngineHarness("busauth.", POLICY)) {
            BusKeyring keys = new BusKeyring(dir.resolve("bus-keys"), "it", List.of("vantage-1", "vantage-2"));
            harness.closeLater(harness.startEngine("engine-0", keys.args("decision-engine", null)));
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            KafkaProducer<String, byte[]> producer = harness.closeLater(new KafkaProducer<>(
                    Map.of(
                            ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                            harness.kafka.bootstrapServers(),
                            ProducerConfig.ACKS_CONFIG,
                            "all"),
                    new StringSerializer(),
                    new ByteArraySerializer()));
            EventCodec unsigned = new EventCodec(harness.names, URI.create("/intruder"));
            // the attacker's own secrets, under the real key ids
            EventCodec guessed = codec(
                    harness,
                    Optional.empty(),
                    List.of(
                            new VantageSecret(
                                    "vantage-1-1", "vantage-1", "g".repeat(40).getBytes(StandardCharsets.UTF_8)),
                            new VantageSecret(
                                    "vantage-2-1", "vantage-2", "h".repeat(40).getBytes(StandardCharsets.UTF_8))));
            EventCodec monitors =
                    new EventCodec(harness.names, URI.create("/test"), keys.speakingFor("vantage-1", "vantage-2"));

            // forged: the active region DOWN from both declared vantages, past the failure threshold
            List<String> forgedIds = new ArrayList<>();
            for (int i = 0; i < 3; i++) {
                for (String vantage : List.of("vantage-1", "vantage-2")) {
                    HealthObservation down = observation(vantage, "eu10", HealthStatus.DOWN);
                    forgedIds.add(down.id());
                    send(producer, (i % 2 == 0 ? unsigned : guessed).toRecord(down));
                }
            }
            for (String id : forgedIds) {
                DeadLetter refused = recorder.await(
                        DeadLetter.class,
                        d -> d.category() == DeadLetterReason.UNAUTHENTICATED
                                && decodedValue(d).contains(id),
                        WITHIN);
                assertThat(refused.reason()).containsAnyOf("not signed", "forged");
            }
            Alert alert =
                    recorder.await(Alert.class, a -> a.code().equals(AlertCode.UNAUTHENTICATED_RECORD.name()), WITHIN);
            assertThat(alert.message()).contains(harness.names.of(Topics.OBSERVATIONS));
            // a signed request after them: once it is answered, everything before it was processed
            FreezeRequest freeze = new FreezeRequest(
                    UUID.randomUUID().toString(), APP, Instant.now(), 1, "alice@example.com", "fence check");
            send(producer, unsigned.toRecord(freeze));
            recorder.await(RequestOutcome.class, o -> o.requestId().equals(freeze.id()), WITHIN);
            assertThat(recorder.events(FailoverDecision.class))
                    .as("no failover on forged observations")
                    .isEmpty();
            send(
                    producer,
                    unsigned.toRecord(new UnfreezeRequest(
                            UUID.randomUUID().toString(), APP, Instant.now(), 1, "alice@example.com", "done")));

            // honest observations are taken
            for (String vantage : List.of("vantage-1", "vantage-2")) {
                send(producer, monitors.toRecord(observation(vantage, "us10", HealthStatus.UP)));
            }

            // a switch is running: the engine's first command is signed and waits for dns-actuator's answer
            ManualFailoverRequest failover = new ManualFailoverRequest(
                    UUID.randomUUID().toString(),
                    APP,
                    Instant.now(),
                    1,
                    "alice@example.com",
                    "us10",
                    FailoverMode.GRACEFUL,
                    List.of(SafetyRule.STANDBY_HEALTHY, SafetyRule.NOT_BOTH_DOWN),
                    "drill");
            send(producer, unsigned.toRecord(failover));
            RequestOutcome accepted =
                    recorder.await(RequestOutcome.class, o -> o.requestId().equals(failover.id()), WITHIN);
            assertThat(accepted.accepted()).as(accepted.reason()).isTrue();
            DnsRouteCommand route = recorder.await(DnsRouteCommand.class, c -> true, WITHIN);

            // forged SUCCEEDED answers: unsigned, and signed by a compromised hana-sync
            CommandAck forgedPlain = ack(route, "FORGED-plain");
            CommandAck forgedByHana = ack(route, "FORGED-by-hana");
            send(producer, unsigned.toRecord(forgedPlain));
            send(producer, withSignatureOf(harness, forgedByHana, keys.pair(BusSigner.HANA_SYNC), "hana-sync-1"));
            for (CommandAck forged : List.of(forgedPlain, forgedByHana)) {
                recorder.await(
                        DeadLetter.class,
                        d -> d.category() == DeadLetterReason.UNAUTHENTICATED
                                && decodedValue(d).contains(forged.id()),
                        WITHIN);
            }
            // the honest one, signed by dns-actuator
            CommandAck honest = ack(route, "honest");
            send(
                    producer,
                    new EventCodec(harness.names, URI.create("/test"), keys.signingAs(BusSigner.DNS_ACTUATOR))
                            .toRecord(honest));

            recorder.await(
                    DnsVerifyCommand.class,
                    c -> c.step().decisionId().equals(route.step().decisionId()),
                    WITHIN);
            TopologyState topology = recorder.await(
                    TopologyState.class,
                    t -> !t.planSteps().isEmpty()
                            && t.planSteps().get(0).detail() != null
                            && t.planSteps().get(0).detail().contains("honest"),
                    WITHIN);
            assertThat(recorder.events(TopologyState.class))
                    .as("no step ever took a forged answer")
                    .noneMatch(t -> t.planSteps().stream()
                            .anyMatch(s -> s.detail() != null && s.detail().contains("FORGED")));
            assertThat(topology.planSteps().get(0).attempts()).isEqualTo(1);
        }
    }

    private static EventCodec codec(EngineHarness harness, Optional<SigningKey> key, List<VantageSecret> vantages) {
        return new EventCodec(
                harness.names, URI.create("/test"), RecordAuthenticator.required("it", key, List.of(), vantages));
    }

    /** What a compromised hana-sync can do: sign with its own (trusted) key an ack that names dns-actuator. */
    private static ProducerRecord<String, byte[]> withSignatureOf(
            EngineHarness harness, CommandAck ack, KeyPair key, String keyId) {
        ProducerRecord<String, byte[]> plain = new EventCodec(harness.names, URI.create("/intruder")).toRecord(ack);
        RecordAuthenticator signer = RecordAuthenticator.required(
                "it", Optional.of(new SigningKey(keyId, BusSigner.HANA_SYNC, key.getPrivate())), List.of(), List.of());
        CommandAck asHana = new CommandAck(
                ack.id(),
                ack.applicationId(),
                ack.time(),
                ack.schemaVersion(),
                ack.commandId(),
                ack.step(),
                Actuator.HANA,
                StepAction.DATA_PROMOTE,
                ack.outcome(),
                null,
                ack.detail(),
                1,
                Map.of());
        // the signature is computed over the record as sent (the ack naming dns-actuator)
        plain.headers()
                .add(signer.sign(
                        Topics.COMMAND_ACKS,
                        plain.topic(),
                        plain.key(),
                        "io.mrm.ack.command.v1",
                        ack.id(),
                        plain.value(),
                        asHana));
        return plain;
    }

    private static CommandAck ack(DnsRouteCommand command, String detail) {
        return new CommandAck(
                UUID.randomUUID().toString(),
                APP,
                Instant.now(),
                CommandAck.SCHEMA_VERSION,
                command.id(),
                command.step(),
                Actuator.DNS,
                StepAction.DNS_ROUTE,
                AckOutcome.SUCCEEDED,
                null,
                detail,
                5,
                Map.of("region", "us10"));
    }

    private static HealthObservation observation(String vantage, String region, HealthStatus status) {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                APP,
                Instant.now(),
                1,
                region,
                "app",
                ProbeKind.HTTP,
                vantage,
                status,
                3L,
                null);
    }

    private static String decodedValue(DeadLetter deadLetter) {
        return new String(java.util.Base64.getDecoder().decode(deadLetter.valueBase64()), StandardCharsets.UTF_8);
    }

    private static void send(KafkaProducer<String, byte[]> producer, ProducerRecord<String, byte[]> record) {
        try {
            producer.send(record).get();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
