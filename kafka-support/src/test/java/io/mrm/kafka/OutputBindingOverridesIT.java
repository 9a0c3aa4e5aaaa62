package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.testsupport.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Whatever an operator sets on the output binding from the environment, a service either refuses to start or writes
 * every record exactly as the codec made it (its topic, key, bytes and headers) and reports the broker's
 * acknowledgement of it: no setting may let a service look ready while it writes records its readers cannot
 * authenticate, keys them otherwise (an application's records then spread over partitions, out of order), fails
 * every write, or reports a write failed that the broker took.
 */
class OutputBindingOverridesIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final int PARTITIONS = 3;
    static final String BINDING = "spring.cloud.stream.bindings.events-out-0.producer.";
    static final String KAFKA_BINDING = "spring.cloud.stream.kafka.bindings.events-out-0.producer.";

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // the binder drops the header mapper for any header mode but "headers"
                BINDING + "header-mode | none",
                BINDING + "header-mode | embeddedHeaders",
                // the binder keys each record by the expression instead of the record's own key
                KAFKA_BINDING + "message-key-expression | payload",
                // the codec's bytes through another serializer
                "spring.cloud.stream.kafka.binder.producer-properties.value.serializer | "
                        + "org.apache.kafka.common.serialization.StringSerializer",
                KAFKA_BINDING + "configuration.key.serializer | org.apache.kafka.common.serialization.StringSerializer",
                // the binding's producer made but not started
                BINDING + "auto-startup | false",
                // thrown after the producer took the record
                KAFKA_BINDING + "record-metadata-channel | nowhere",
                // partitions chosen otherwise than by the key: an application's records spread over partitions
                "spring.cloud.stream.kafka.binder.producer-properties.partitioner.class | "
                        + "org.apache.kafka.clients.producer.RoundRobinPartitioner",
                KAFKA_BINDING + "configuration.partitioner.ignore.keys | true",
                // the binder's producer observation: a tracing header of Spring's own on each record
                "spring.cloud.stream.kafka.binder.enable-observation | true",
                // settings that change nothing a reader sees
                KAFKA_BINDING + "compression-type | gzip",
                KAFKA_BINDING + "close-timeout | 1",
                BINDING + "error-channel-enabled | true",
                "spring.cloud.stream.dynamic-destinations | somewhere-else",
                "spring.cloud.stream.kafka.binder.producer-properties.linger.ms | 20"
            })
    void anOverrideEitherStopsTheStartOrLeavesEveryRecordAsTheCodecMadeIt(String key, String value) throws Exception {
        ConfigurableApplicationContext service;
        try {
            service = start("--" + key + "=" + value);
        } catch (RuntimeException e) {
            assertThat(messages(e))
                    .as("refused by the start-up check, saying why")
                    .anyMatch(m -> m.contains(key.substring(key.lastIndexOf('.') + 1)) && m.contains("mrm-stream.yml"));
            return;
        }
        try (service) {
            EventPublisher publisher = service.getBean(EventPublisher.class);
            Instant now = Instant.now();
            DnsRouteCommand command = new DnsRouteCommand(
                    "c-" + UUID.randomUUID(),
                    "orders",
                    now,
                    DnsRouteCommand.SCHEMA_VERSION,
                    new StepRef("d-overrides", 1, 0, 1, now.plusSeconds(300)),
                    "us10");
            List<MrmEvent> events =
                    List.of(Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 3, Map.of(), now), deadLetter(now));
            for (MrmEvent event : events) {
                RecordMetadata sent = publisher.publish(event, null).get(60, TimeUnit.SECONDS);
                ProducerRecord<String, byte[]> made = publisher.codec().toRecord(event, null);
                ConsumerRecord<byte[], byte[]> written = read(sent);
                assertThat(written.topic()).isEqualTo(made.topic());
                assertThat(written.key())
                        .as("the record's own key")
                        .isEqualTo(made.key().getBytes(StandardCharsets.UTF_8));
                assertThat(written.partition())
                        .as("the partition of the record's key, as every writer and reader of the bus computes it")
                        .isEqualTo(Utils.toPositive(Utils.murmur2(written.key())) % PARTITIONS);
                assertThat(written.value()).isEqualTo(made.value());
                assertThat(headers(written.headers()))
                        .as("exactly the codec's headers")
                        .containsExactlyElementsOf(headers(made.headers()));
            }
        }
    }

    private static ConfigurableApplicationContext start(String override) {
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-stream.yml",
                        "--spring.profiles.active=local",
                        "--mrm.service.name=output-overrides-test",
                        "--mrm.kafka.topic-prefix=overrides.",
                        "--mrm.kafka.partitions=" + PARTITIONS,
                        "--spring.kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                        "--spring.main.banner-mode=off",
                        "--spring.cloud.stream.bindings.events-out-0.destination=overrides.command.acks",
                        override);
    }

    private static ConsumerRecord<byte[], byte[]> read(RecordMetadata sent) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        List<ConsumerRecord<byte[], byte[]>> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, sent.offset());
            Awaitility.await("the record written at " + partition + "@" + sent.offset())
                    .atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        consumer.poll(Duration.ofMillis(200)).records(partition).stream()
                                .filter(r -> r.offset() == sent.offset())
                                .forEach(found::add);
                        return !found.isEmpty();
                    });
        }
        return found.get(0);
    }

    private static List<String> messages(Throwable e) {
        List<String> out = new ArrayList<>();
        for (Throwable t = e; t != null; t = t.getCause()) {
            out.add(String.valueOf(t.getMessage()));
        }
        return out;
    }

    private static List<String> headers(Iterable<Header> headers) {
        List<String> out = new ArrayList<>();
        for (Header h : headers) {
            out.add(h.key() + "=" + new String(h.value(), StandardCharsets.UTF_8));
        }
        return out;
    }

    private static DeadLetter deadLetter(Instant now) {
        return new DeadLetter(
                "dl-" + UUID.randomUUID(),
                "orders",
                now,
                DeadLetter.SCHEMA_VERSION,
                "output-overrides-test",
                "overrides.commands.dns",
                0,
                7,
                null,
                "AAE=",
                2,
                Map.of(),
                DeadLetterReason.UNREADABLE,
                "a test");
    }
}
