package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.internals.RecordHeader;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The dead-letter path on a real in-process broker, through the command input as the actuators run it (the
 * Spring Cloud Stream binding): a command topic fed garbage, truncated JSON, an unknown ce_type, an oversized
 * record, a record with a missing field and a command its handler cannot process dead-letters each one with its
 * original bytes and reason, in order, and keeps running the good commands that follow.
 */
@SpringBootTest(
        classes = DeadLetterIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=dlq-test",
            "mrm.kafka.topic-prefix=dlqtest.",
            "mrm.kafka.partitions=1",
            "mrm.kafka.processing-retries=2",
            "mrm.kafka.retry-backoff=10ms",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=dlqtest.commands.dns"
        })
class DeadLetterIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("dlqtest.");
    static final String POISON = "c-handler-cannot-process-this";

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
    static class TestApp {
        @Bean
        List<String> received() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs, List<String> received) {
            return inputs.commandInput(Topics.DNS_COMMANDS, command -> {
                if (command.id().startsWith(POISON)) {
                    throw new IllegalStateException("cannot process " + command.id());
                }
                received.add(command.id());
            });
        }
    }

    @Autowired
    List<String> received;

    @Test
    void badRecordsAreDeadLetteredAndGoodOnesAfterThemAreStillConsumed() throws Exception {
        EventCodec codec = new EventCodec(NAMES, URI.create("/test"));
        String topic = NAMES.of(Topics.DNS_COMMANDS);
        try (KafkaProducer<String, byte[]> producer = producer();
                TopicRecorder dlq = new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.DEAD_LETTERS))) {

            ProducerRecord<String, byte[]> template = codec.toRecord(command("c-ok"));
            byte[] json = template.value();

            ProducerRecord<String, byte[]> garbage =
                    new ProducerRecord<>(topic, "orders", new byte[] {0, 1, 2, 'g', 'a', 'r', 'b', 'a', 'g', 'e'});
            ProducerRecord<String, byte[]> truncated = withValue(template, Arrays.copyOf(json, json.length / 2));
            ProducerRecord<String, byte[]> wrongType = withValue(template, json);
            wrongType.headers().remove("ce_type");
            wrongType
                    .headers()
                    .add(new RecordHeader("ce_type", "io.mrm.no.such.type.v1".getBytes(StandardCharsets.UTF_8)));
            byte[] big = new byte[70 * 1024];
            Arrays.fill(big, (byte) ' ');
            System.arraycopy(json, 0, big, 0, json.length);
            ProducerRecord<String, byte[]> oversized = withValue(template, big);
            ProducerRecord<String, byte[]> missingField =
                    withValue(template, EventJson.write(withoutField(json, "targetRegion")));
            ProducerRecord<String, byte[]> poison = codec.toRecord(command(POISON));

            List<ProducerRecord<String, byte[]>> bad =
                    List.of(garbage, truncated, wrongType, oversized, missingField, poison);
            List<DeadLetterReason> expected = List.of(
                    DeadLetterReason.UNREADABLE,
                    DeadLetterReason.UNREADABLE,
                    DeadLetterReason.UNKNOWN_TYPE,
                    DeadLetterReason.TOO_LARGE,
                    DeadLetterReason.INVALID,
                    DeadLetterReason.PROCESSING_FAILED);
            List<String> goodIds = new java.util.ArrayList<>();
            List<Long> badOffsets = new java.util.ArrayList<>();
            for (ProducerRecord<String, byte[]> record : bad) {
                RecordMetadata meta = producer.send(record).get();
                badOffsets.add(meta.offset());
                DnsRouteCommand good = command("c-good-after-" + badOffsets.size());
                goodIds.add(good.id());
                producer.send(codec.toRecord(good)).get();
            }

            Awaitility.await("good records consumed")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> received.containsAll(goodIds));
            Awaitility.await("dead letters published")
                    .atMost(Duration.ofSeconds(120))
                    .until(() -> dlq.events(DeadLetter.class).size() >= bad.size());

            List<DeadLetter> letters = dlq.events(DeadLetter.class);
            assertThat(letters).hasSize(bad.size());
            assertThat(letters).extracting(DeadLetter::category).containsExactlyElementsOf(expected);
            assertThat(letters).extracting(DeadLetter::offset).containsExactlyElementsOf(badOffsets);
            for (int i = 0; i < bad.size(); i++) {
                DeadLetter letter = letters.get(i);
                assertThat(letter.sourceTopic()).isEqualTo(topic);
                assertThat(letter.consumer()).isEqualTo("dlq-test");
                assertThat(letter.applicationId()).isEqualTo("orders");
                assertThat(letter.valueSize()).isEqualTo(bad.get(i).value().length);
                assertThat(Base64.getDecoder().decode(letter.valueBase64()))
                        .isEqualTo(bad.get(i).value());
            }
            assertThat(letters.get(2).reason()).contains("io.mrm.no.such.type.v1");
            assertThat(letters.get(2).headers()).containsKey("ce_type");
            assertThat(letters.get(3).reason()).contains("65536");
            assertThat(letters.get(4).reason()).contains("targetRegion");
            assertThat(letters.get(5).reason()).contains("cannot process");
            assertThat(received).doesNotContain(POISON);
            assertThat(received).as("the good commands, in order").containsExactlyElementsOf(goodIds);
        }
    }

    private static ProducerRecord<String, byte[]> withValue(ProducerRecord<String, byte[]> template, byte[] value) {
        ProducerRecord<String, byte[]> copy = new ProducerRecord<>(template.topic(), template.key(), value);
        template.headers().forEach(copy.headers()::add);
        return copy;
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> withoutField(byte[] json, String field) {
        Map<String, Object> tree = EventJson.readUnchecked(json, Map.class);
        tree.remove(field);
        return tree;
    }

    private static DnsRouteCommand command(String id) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                id,
                "orders",
                now,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef("d-dlq", 1, 0, 1, now.plusSeconds(300)),
                "us10");
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
}
