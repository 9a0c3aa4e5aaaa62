package io.mrm.testsupport;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.auth.BusKeys.TrustedKey;
import io.mrm.events.auth.BusSigner;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;

/**
 * The decision engine's side of an actuator's bus, for a test of the actuator as deployed (bus
 * authentication required): it sends commands signed with the engine's key, and reads a topic as the
 * engine does, trusting the one actuator's key and no other — every record on the topic must verify.
 */
public final class EngineSide {

    private final String bootstrapServers;
    private final TopicNames names;
    private final BusKeyring keys;
    private final InboundDecoder decoder;

    /** @param actuator the only signer whose records are accepted */
    public EngineSide(String bootstrapServers, TopicNames names, BusKeyring keys, BusSigner actuator) {
        this.bootstrapServers = bootstrapServers;
        this.names = names;
        this.keys = keys;
        this.decoder = new InboundDecoder(
                names,
                "decision-engine",
                InboundLimits.DEFAULTS,
                Clock.systemUTC(),
                RecordAuthenticator.required(
                        keys.environment(),
                        Optional.empty(),
                        List.of(new TrustedKey(
                                actuator.serviceName() + "-1",
                                actuator,
                                keys.pair(actuator).getPublic())),
                        List.of()));
    }

    /** Publishes {@code command} signed as the engine, once the broker has taken it. */
    public void send(MrmEvent command) throws InterruptedException, ExecutionException {
        EventCodec engine =
                new EventCodec(names, URI.create("/mrm/decision-engine/1"), keys.signingAs(BusSigner.ENGINE));
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                Map.of(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers, ProducerConfig.ACKS_CONFIG, "all"),
                new StringSerializer(),
                new ByteArraySerializer())) {
            producer.send(engine.toRecord(command)).get();
        }
    }

    /**
     * Reads {@code topic} from its beginning, handing each event to {@code done} until it answers true, for at
     * most {@code within}.
     *
     * @throws AssertionError on a record the engine would not accept (unsigned, signed by another, invalid)
     */
    public void read(Topic<?> topic, Duration within, Predicate<? super MrmEvent> done) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        bootstrapServers,
                        ConsumerConfig.GROUP_ID_CONFIG,
                        "engine-side-" + UUID.randomUUID(),
                        ConsumerConfig.AUTO_OFFSET_RESET_CONFIG,
                        "earliest"),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.subscribe(List.of(names.of(topic)));
            Awaitility.await().atMost(within).until(() -> {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                    Decoded decoded = decoder.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    if (!(decoded instanceof Decoded.Accepted accepted)) {
                        throw new AssertionError(
                                "the engine would not accept " + r.topic() + "@" + r.offset() + ": " + decoded);
                    }
                    if (done.test(accepted.event())) {
                        return true;
                    }
                }
                return false;
            });
        }
    }

    /** The first event of {@code type} on {@code topic} that is {@code wanted}, read as in {@link #read}. */
    public <E extends MrmEvent> E await(Topic<?> topic, Class<E> type, Predicate<? super E> wanted, Duration within) {
        AtomicReference<E> found = new AtomicReference<>();
        read(topic, within, event -> {
            if (type.isInstance(event) && wanted.test(type.cast(event))) {
                found.set(type.cast(event));
                return true;
            }
            return false;
        });
        return found.get();
    }
}
