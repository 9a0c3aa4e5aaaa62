package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.testsupport.BusKeyring;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/** The engine's side of the actuator's answers, for the service tests on a real broker. */
final class EngineSideAcks {

    private EngineSideAcks() {}

    /**
     * Reads the acks topic as the engine does (dns-actuator's public key trusted, nothing else) until the ack
     * of {@code commandId} arrives: every ack before it must carry dns-actuator's signature and verify.
     */
    static void assertSignedAckArrives(String bootstrap, TopicNames names, BusKeyring keys, String commandId) {
        awaitSignedAck(bootstrap, names, keys, commandId);
    }

    /** As {@link #assertSignedAckArrives}, and returns the ack of {@code commandId} as the engine decoded it. */
    static CommandAck awaitSignedAck(String bootstrap, TopicNames names, BusKeyring keys, String commandId) {
        InboundDecoder engineSide = engineSide(names, keys);
        java.util.concurrent.atomic.AtomicReference<CommandAck> found =
                new java.util.concurrent.atomic.AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(names.of(Topics.COMMAND_ACKS)));
            Awaitility.await().atMost(Duration.ofSeconds(60)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = engineSide.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    assertThat(decoded)
                            .as("every ack on the topic is signed by the actuator")
                            .isInstanceOf(Decoded.Accepted.class);
                    if (((Decoded.Accepted) decoded).event() instanceof CommandAck a
                            && a.commandId().equals(commandId)) {
                        found.set(a);
                        return true;
                    }
                }
                return false;
            });
        }
        return found.get();
    }

    /**
     * Reads the readiness reports topic as the engine does until a report of each of {@code applications}
     * has arrived: every record must be accepted (signed by dns-actuator). Returns the first of each.
     */
    static Map<String, ReadinessReport> awaitSignedReadinessReports(
            String bootstrap, TopicNames names, BusKeyring keys, Set<String> applications) {
        InboundDecoder engineSide = engineSide(names, keys);
        Map<String, ReadinessReport> reports = new ConcurrentHashMap<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(names.of(Topics.READINESS_REPORTS)));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = engineSide.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    assertThat(decoded)
                            .as("every readiness report on the topic is signed by the actuator: " + decoded)
                            .isInstanceOf(Decoded.Accepted.class);
                    if (((Decoded.Accepted) decoded).event() instanceof ReadinessReport report) {
                        reports.putIfAbsent(report.applicationId(), report);
                    }
                }
                return reports.keySet().containsAll(applications);
            });
        }
        return reports;
    }

    private static KafkaConsumer<byte[], byte[]> consumer(String bootstrap) {
        return new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrap,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "verify-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer());
    }

    private static InboundDecoder engineSide(TopicNames names, BusKeyring keys) {
        return new InboundDecoder(
                names,
                "decision-engine",
                InboundLimits.DEFAULTS,
                Clock.systemUTC(),
                RecordAuthenticator.required(
                        keys.environment(),
                        Optional.empty(),
                        List.of(new TrustedKey(
                                "dns-actuator-1",
                                BusSigner.DNS_ACTUATOR,
                                keys.pair(BusSigner.DNS_ACTUATOR).getPublic())),
                        List.of()));
    }
}
