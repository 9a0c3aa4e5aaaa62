package io.mrm.hook;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
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
import java.util.UUID;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * The engine's side of hook-actuator's answers: reads a topic with the engine's decoder, trusting hook-actuator's
 * public key and nothing else, so that every record read must carry hook-actuator's signature and verify.
 */
final class HookEngineSide {

    private HookEngineSide() {}

    /** The ack of {@code commandId} as the engine decoded it. */
    static CommandAck awaitSignedAck(String bootstrap, TopicNames names, BusKeyring keys, String commandId) {
        return await(
                bootstrap,
                names,
                keys,
                names.of(Topics.COMMAND_ACKS),
                CommandAck.class,
                a -> a.commandId().equals(commandId));
    }

    /** The first readiness report of {@code applicationId} as the engine decoded it. */
    static ReadinessReport awaitSignedReadinessReport(
            String bootstrap, TopicNames names, BusKeyring keys, String applicationId) {
        return await(
                bootstrap,
                names,
                keys,
                names.of(Topics.READINESS_REPORTS),
                ReadinessReport.class,
                r -> r.applicationId().equals(applicationId));
    }

    private static <E extends MrmEvent> E await(
            String bootstrap, TopicNames names, BusKeyring keys, String topic, Class<E> type, Predicate<E> wanted) {
        InboundDecoder engineSide = engineSide(names, keys);
        AtomicReference<E> found = new AtomicReference<>();
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(bootstrap)) {
            consumer.subscribe(List.of(topic));
            Awaitility.await().atMost(Duration.ofSeconds(120)).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = engineSide.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    assertThat(decoded)
                            .as("every record on " + topic + " is signed by hook-actuator: " + decoded)
                            .isInstanceOf(Decoded.Accepted.class);
                    MrmEvent event = ((Decoded.Accepted) decoded).event();
                    if (type.isInstance(event) && wanted.test(type.cast(event))) {
                        found.set(type.cast(event));
                        return true;
                    }
                }
                return false;
            });
        }
        return found.get();
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
                                keys.signingKey(BusSigner.HOOK_ACTUATOR).id(),
                                BusSigner.HOOK_ACTUATOR,
                                keys.pair(BusSigner.HOOK_ACTUATOR).getPublic())),
                        List.of()));
    }
}
