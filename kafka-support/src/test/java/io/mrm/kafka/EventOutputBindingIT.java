package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.testsupport.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.ProducerState;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binding.BindingService;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * What a service writes goes through its Spring Cloud Stream output binding on a real in-process broker: each record
 * to its own topic (not the binding's destination), with the key, bytes and headers the codec made, byte for byte;
 * each caller's future answers for its own record even when many threads write at once; and the binding's producer
 * is idempotent (so waits for every in-sync replica) although the configuration below tries to turn that off.
 */
@SpringBootTest(
        classes = EventOutputBindingIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=output-test",
            "mrm.kafka.topic-prefix=outtest.",
            "mrm.kafka.partitions=3",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-stream.yml",
            "spring.cloud.stream.bindings.events-out-0.destination=outtest.command.acks",
            // what an operator might set: the service's producer stays idempotent and acks=all regardless
            "spring.cloud.stream.kafka.binder.producer-properties.enable.idempotence=false",
            "spring.cloud.stream.kafka.bindings.events-out-0.producer.configuration.acks=1"
        })
class EventOutputBindingIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("outtest.");

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @Autowired
    EventPublisher publisher;

    @Autowired
    BindingService bindings;

    @Test
    void recordsGoThroughTheBindingEachToItsOwnTopicAsTheCodecMadeThem() throws Exception {
        assertThat(bindings.getProducerBinding(StreamRecordSender.BINDING))
                .as("bound at start-up")
                .isNotNull();
        EventCodec codec = publisher.codec();
        DnsRouteCommand command = command("c-1");
        CommandAck ack = Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 3, Map.of(), Instant.now());
        DeadLetter letter = deadLetter("dl-1");

        RecordMetadata ackSent = publisher.publish(ack, null).get(60, TimeUnit.SECONDS);
        RecordMetadata letterSent = publisher.publish(letter, null).get(60, TimeUnit.SECONDS);

        assertThat(ackSent.topic()).isEqualTo(NAMES.of(Topics.COMMAND_ACKS));
        assertThat(letterSent.topic())
                .as("the record's own topic, not the binding's destination")
                .isEqualTo(NAMES.of(Topics.DEAD_LETTERS));
        Map<String, ConsumerRecord<String, byte[]>> read = read(List.of(ackSent, letterSent));
        for (MrmEvent event : List.of(ack, letter)) {
            ProducerRecord<String, byte[]> made = codec.toRecord(event, null);
            ConsumerRecord<String, byte[]> written = read.get(event.id());
            assertThat(written).as(event.id() + " on " + made.topic()).isNotNull();
            assertThat(written.topic()).isEqualTo(made.topic());
            assertThat(written.key()).isEqualTo(made.key());
            assertThat(written.value()).isEqualTo(made.value());
            assertThat(headers(written.headers()))
                    .as("exactly the codec's headers, in order, nothing of Spring's")
                    .containsExactlyElementsOf(headers(made.headers()));
            assertThat(decode(written)).isEqualTo(event);
        }
    }

    @Test
    void eachCallersFutureAnswersForItsOwnRecordWhileManyThreadsWrite() throws Exception {
        // the service made its topics a moment ago: one record per application first, each waited for, so that no
        // partition's first write is still pipelined behind a leader that is not ready (an idempotent producer whose
        // first batch is refused while later ones are taken then retries it out of order until it expires)
        for (int app = 0; app < 5; app++) {
            publisher.publishAndWait(deadLetter("dl-first-" + app, "orders-" + app));
        }
        int threads = 8;
        int each = 40;
        ExecutorService pool = Executors.newFixedThreadPool(threads);
        try {
            List<Future<Map<String, RecordMetadata>>> sent = new ArrayList<>();
            for (int t = 0; t < threads; t++) {
                int thread = t;
                sent.add(pool.submit(() -> {
                    Map<String, CompletableFuture<RecordMetadata>> mine = new HashMap<>();
                    for (int i = 0; i < each; i++) {
                        DeadLetter letter = deadLetter("dl-" + thread + "-" + i);
                        mine.put(letter.id(), publisher.publish(letter, null));
                    }
                    Map<String, RecordMetadata> done = new HashMap<>();
                    for (Map.Entry<String, CompletableFuture<RecordMetadata>> e : mine.entrySet()) {
                        done.put(e.getKey(), e.getValue().get(120, TimeUnit.SECONDS));
                    }
                    return done;
                }));
            }
            Map<String, RecordMetadata> all = new HashMap<>();
            for (Future<Map<String, RecordMetadata>> f : sent) {
                all.putAll(f.get(180, TimeUnit.SECONDS));
            }
            assertThat(all).hasSize(threads * each);
            Map<String, ConsumerRecord<String, byte[]>> read = read(List.copyOf(all.values()));
            all.forEach((id, meta) -> {
                ConsumerRecord<String, byte[]> at = read.get(id);
                assertThat(at).as(id).isNotNull();
                assertThat(decode(at).id())
                        .as("the record at the offset " + id + "'s future reported")
                        .isEqualTo(id);
                assertThat(at.partition()).isEqualTo(meta.partition());
                assertThat(at.offset()).isEqualTo(meta.offset());
            });
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void theBindingsProducerIsIdempotentWhateverTheConfigurationSays() throws Exception {
        RecordMetadata sent =
                publisher.publish(deadLetter("dl-idempotent"), null).get(60, TimeUnit.SECONDS);
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            // only an idempotent (or transactional) producer has a producer id the partition keeps state for; and
            // Kafka refuses an idempotent producer that does not wait for all in-sync replicas
            List<ProducerState> producers = admin.describeProducers(List.of(partition))
                    .partitionResult(partition)
                    .get(60, TimeUnit.SECONDS)
                    .activeProducers();
            assertThat(producers).isNotEmpty();
            assertThat(producers).allSatisfy(p -> assertThat(p.producerId()).isNotNegative());
        }
    }

    private static Map<String, ConsumerRecord<String, byte[]>> read(List<RecordMetadata> sent) {
        Map<TopicPartition, Long> until = new HashMap<>();
        for (RecordMetadata meta : sent) {
            until.merge(new TopicPartition(meta.topic(), meta.partition()), meta.offset() + 1, Math::max);
        }
        Map<String, ConsumerRecord<String, byte[]>> byId = new HashMap<>();
        try (KafkaConsumer<String, byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(until.keySet());
            consumer.seekToBeginning(until.keySet());
            Awaitility.await("the records written")
                    .atMost(Duration.ofSeconds(120))
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            byId.put(decode(r).id(), r);
                        }
                        return until.entrySet().stream().allMatch(e -> consumer.position(e.getKey()) >= e.getValue());
                    });
        }
        return byId;
    }

    private static MrmEvent decode(ConsumerRecord<String, byte[]> record) {
        InboundDecoder decoder = new InboundDecoder(
                NAMES,
                "output-test-reader",
                new InboundLimits(Duration.ofDays(1), Duration.ofDays(1)),
                java.time.Clock.systemUTC());
        Decoded decoded = decoder.decode(new RawRecord(
                record.topic(),
                record.partition(),
                record.offset(),
                record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8),
                record.headers(),
                record.value()));
        assertThat(decoded).isInstanceOf(Decoded.Accepted.class);
        return ((Decoded.Accepted) decoded).event();
    }

    private static List<String> headers(Iterable<Header> headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static DeadLetter deadLetter(String id) {
        return deadLetter(id, "orders-" + Math.floorMod(id.hashCode(), 5));
    }

    private static DeadLetter deadLetter(String id, String applicationId) {
        return new DeadLetter(
                id,
                applicationId,
                Instant.now(),
                DeadLetter.SCHEMA_VERSION,
                "output-test",
                "outtest.commands.dns",
                0,
                7,
                null,
                "AAE=",
                2,
                Map.of(),
                DeadLetterReason.UNREADABLE,
                "a test");
    }

    private static DnsRouteCommand command(String id) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                id,
                "orders",
                now,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-out", 1, 0, 1, now.plusSeconds(300)),
                "us10");
    }
}
