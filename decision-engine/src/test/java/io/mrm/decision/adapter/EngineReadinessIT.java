package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.AlertCode;
import io.mrm.events.Topics;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.SafetyRule;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
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
 * The engine on a real broker with bus authentication required: dns-actuator's signed report that the
 * standby cannot be routed to holds an outage's failover back (TARGET_NOT_READY), a forged READY report is
 * dead-lettered and changes nothing, and dns-actuator's signed READY report lets the failover through. The
 * engine's view appears on the readiness topic.
 */
class EngineReadinessIT {

    static final String APP = "orders";
    static final List<String> POLICY = List.of(
            "id=" + APP,
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "recovery-threshold=1",
            "plan=DNS_ROUTE,DNS_VERIFY",
            // the outage must outlast the test's waits on a busy machine
            "stale-after=10m");
    static final Duration WITHIN = Duration.ofSeconds(120);

    @TempDir
    Path dir;

    @Test
    void aNotReadyStandbyHoldsTheFailoverBackUntilASignedReadyReport() throws Exception {
        try (EngineHarness harness = new EngineHarness("readiness.", POLICY)) {
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
            EventCodec dnsActuator =
                    new EventCodec(harness.names, URI.create("/test"), keys.signingAs(BusSigner.DNS_ACTUATOR));
            EventCodec monitors =
                    new EventCodec(harness.names, URI.create("/test"), keys.speakingFor("vantage-1", "vantage-2"));

            send(producer, dnsActuator.toRecord(report(ReadinessStatus.NOT_READY, "AccessDenied: zone Z1")));
            ReadinessState notReady = recorder.await(
                    ReadinessState.class, s -> s.region("us10").status() == ReadinessStatus.NOT_READY, WITHIN);
            assertThat(notReady.region("us10").checks())
                    .anyMatch(c -> c.check().equals("hosted-zone") && c.reason().contains("AccessDenied"));

            // forged READY: unsigned, and signed by hana-sync's key while naming dns-actuator
            ReadinessReport unsigned = report(ReadinessStatus.READY, "forged");
            ReadinessReport byHana = report(ReadinessStatus.READY, "forged by hana");
            send(producer, new EventCodec(harness.names, URI.create("/intruder")).toRecord(unsigned));
            send(producer, signedByHana(harness, keys, byHana));
            for (ReadinessReport forged : List.of(unsigned, byHana)) {
                recorder.await(
                        DeadLetter.class,
                        d -> d.category() == DeadLetterReason.UNAUTHENTICATED
                                && decodedValue(d).contains(forged.id()),
                        WITHIN);
            }

            for (String region : List.of("us10", "eu10")) {
                for (String vantage : List.of("vantage-1", "vantage-2")) {
                    send(producer, monitors.toRecord(observation(vantage, region, HealthStatus.UP)));
                }
            }
            for (int i = 0; i < 2; i++) {
                for (String vantage : List.of("vantage-1", "vantage-2")) {
                    send(producer, monitors.toRecord(observation(vantage, "eu10", HealthStatus.DOWN)));
                }
            }
            Alert blocked =
                    recorder.await(Alert.class, a -> a.code().equals(AlertCode.TARGET_NOT_READY.name()), WITHIN);
            assertThat(blocked.rule()).isEqualTo(SafetyRule.TARGET_READY);
            assertThat(blocked.message()).contains("DNS_ROUTE", "hosted-zone", "AccessDenied: zone Z1");
            assertThat(recorder.events(FailoverDecision.class))
                    .as("no failover towards a NOT_READY standby, forged READY reports or not")
                    .isEmpty();
            assertThat(recorder.events(ReadinessState.class))
                    .as("the forged reports changed nothing")
                    .noneMatch(s -> s.region("us10").status() == ReadinessStatus.READY);

            send(producer, dnsActuator.toRecord(report(ReadinessStatus.READY, "zone Z1 writable")));
            FailoverDecision decision = recorder.await(FailoverDecision.class, d -> true, WITHIN);
            assertThat(decision.toRegion()).isEqualTo("us10");
            assertThat(decision.reason()).contains("target us10 readiness READY");
            recorder.await(ReadinessState.class, s -> s.region("us10").status() == ReadinessStatus.READY, WITHIN);
        }
    }

    private static ReadinessReport report(ReadinessStatus route, String reason) {
        Instant now = Instant.now();
        return new ReadinessReport(
                UUID.randomUUID().toString(),
                APP,
                now,
                ReadinessReport.SCHEMA_VERSION,
                Actuator.DNS,
                60_000,
                List.of(
                        new ReadinessCheck("us10", StepAction.DNS_ROUTE, "hosted-zone", route, reason, now, 4),
                        new ReadinessCheck(
                                "us10", StepAction.DNS_VERIFY, "resolver", ReadinessStatus.READY, "answers", now, 2),
                        new ReadinessCheck(
                                "eu10", StepAction.DNS_ROUTE, "hosted-zone", ReadinessStatus.READY, "ok", now, 4)));
    }

    /** What a compromised hana-sync can do: sign with its own (trusted) key a report that names dns-actuator. */
    private static ProducerRecord<String, byte[]> signedByHana(
            EngineHarness harness, BusKeyring keys, ReadinessReport report) {
        ProducerRecord<String, byte[]> plain = new EventCodec(harness.names, URI.create("/intruder")).toRecord(report);
        RecordAuthenticator signer = RecordAuthenticator.required(
                "it",
                Optional.of(new io.mrm.events.auth.BusKeys.SigningKey(
                        "hana-sync-1",
                        BusSigner.HANA_SYNC,
                        keys.pair(BusSigner.HANA_SYNC).getPrivate())),
                List.of(),
                List.of());
        ReadinessReport asHana = new ReadinessReport(
                report.id(),
                report.applicationId(),
                report.time(),
                report.schemaVersion(),
                Actuator.HANA,
                report.intervalMs(),
                List.of());
        plain.headers()
                .add(signer.sign(
                        Topics.READINESS_REPORTS,
                        plain.topic(),
                        plain.key(),
                        "io.mrm.readiness.report.v1",
                        report.id(),
                        plain.value(),
                        asHana));
        return plain;
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
