package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The command listener keeps the shared dead-letter path: an unreadable record and a command whose
 * handler keeps failing (retried, bounded) are dead-lettered with their reason, their offsets are
 * committed, and the application's next commands run after them.
 */
@SpringBootTest(
        classes = CommandLanesDeadLetterIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=lanes-dlq",
            "mrm.kafka.topic-prefix=lanesdlq.",
            "mrm.kafka.partitions=1",
            "mrm.kafka.processing-retries=2",
            "mrm.kafka.retry-backoff=10ms",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=lanesdlq.commands.dns"
        })
class CommandLanesDeadLetterIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("lanesdlq.");
    static final String POISON = "c-poison";

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
        List<String> handled() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs, List<String> handled) {
            return commandInput(inputs, command -> {
                handled.add(command.id());
                if (POISON.equals(command.id())) {
                    throw new IllegalStateException("cannot process " + command.id());
                }
            });
        }
    }

    static CommandInput<DnsCommand> commandInput(CommandInputs inputs, Consumer<DnsCommand> handler) {
        return inputs.commandInput(Topics.DNS_COMMANDS, handler);
    }

    @Autowired
    List<String> handled;

    @Autowired
    EventPublisher publisher;

    @Autowired
    BindingsLifecycleController bindings;

    @org.junit.jupiter.api.BeforeEach
    void startListener() {
        bindings.start(CommandInput.BINDING);
    }

    @org.junit.jupiter.api.AfterEach
    void stopListener() {
        bindings.stop(CommandInput.BINDING);
    }

    @Test
    void unreadableAndFailingCommandsAreDeadLetteredCommittedAndFollowedByTheNext() throws Exception {
        String topic = NAMES.of(Topics.DNS_COMMANDS);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KAFKA.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer());
                TopicRecorder dlq = new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.DEAD_LETTERS))) {
            RecordMetadata garbage = producer.send(new ProducerRecord<>(topic, "shop", new byte[] {0, 1, 2}))
                    .get();
            RecordMetadata poison = publisher.publishAndWait(command(POISON, "shop", 0));
            publisher.publishAndWait(command("c-next", "shop", 1));
            RecordMetadata last = publisher.publishAndWait(command("c-other", "other", 0));

            Awaitility.await("dead letters")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> dlq.events(DeadLetter.class).size() >= 2
                            && handled.containsAll(List.of("c-next", "c-other")));

            List<DeadLetter> letters = dlq.events(DeadLetter.class);
            assertThat(letters)
                    .extracting(DeadLetter::category)
                    .containsExactly(DeadLetterReason.UNREADABLE, DeadLetterReason.PROCESSING_FAILED);
            assertThat(letters).extracting(DeadLetter::offset).containsExactly(garbage.offset(), poison.offset());
            assertThat(letters.get(1).reason()).contains("cannot process " + POISON);
            assertThat(letters)
                    .allSatisfy(letter -> assertThat(letter.consumer()).isEqualTo("lanes-dlq"));
            assertThat(handled)
                    .as("the poison command: tried, then retried twice")
                    .filteredOn(POISON::equals)
                    .hasSize(3);
            assertThat(handled.indexOf("c-next"))
                    .as("shop's next command runs after the failed one")
                    .isGreaterThan(handled.lastIndexOf(POISON));

            TopicPartition partition = new TopicPartition(topic, last.partition());
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
                long end = admin.listOffsets(Map.of(partition, OffsetSpec.latest()))
                        .all()
                        .get()
                        .get(partition)
                        .offset();
                Awaitility.await("all committed")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets("lanes-dlq")
                                        .partitionsToOffsetAndMetadata()
                                        .get()
                                        .get(partition))
                                .isNotNull()
                                .extracting(OffsetAndMetadata::offset)
                                .isEqualTo(end));
            }
        }
    }

    @Test
    void aRecordWithoutValueOrKeyIsDeadLetteredAsUnreadableAndTheNextCommandRuns() throws Exception {
        String topic = NAMES.of(Topics.DNS_COMMANDS);
        try (KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                KAFKA.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer());
                TopicRecorder dlq = new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.DEAD_LETTERS))) {
            RecordMetadata tombstone =
                    producer.send(new ProducerRecord<>(topic, "tomb", null)).get();
            RecordMetadata keyless = producer.send(new ProducerRecord<>(topic, null, new byte[] {9}))
                    .get();
            RecordMetadata last = publisher.publishAndWait(command("c-after-tombstone", "tomb", 0));

            Awaitility.await("the command after the tombstone")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> handled.contains("c-after-tombstone"));
            Awaitility.await("both dead-lettered")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(50))
                    .untilAsserted(() -> assertThat(dlq.events(DeadLetter.class))
                            .filteredOn(letter ->
                                    letter.offset() == tombstone.offset() || letter.offset() == keyless.offset())
                            .extracting(DeadLetter::category)
                            .containsExactly(DeadLetterReason.UNREADABLE, DeadLetterReason.UNREADABLE));

            TopicPartition partition = new TopicPartition(topic, last.partition());
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
                Awaitility.await("all committed")
                        .atMost(Duration.ofSeconds(120))
                        .pollInterval(Duration.ofMillis(100))
                        .untilAsserted(() -> assertThat(admin.listConsumerGroupOffsets("lanes-dlq")
                                        .partitionsToOffsetAndMetadata()
                                        .get()
                                        .get(partition))
                                .isNotNull()
                                .extracting(OffsetAndMetadata::offset)
                                .isEqualTo(last.offset() + 1));
            }
        }
    }

    static DnsRouteCommand command(String id, String app, int step) {
        Instant now = Instant.now();
        return new DnsRouteCommand(id, app, now, 1, new StepRef("d-" + app, 1, step, 1, now.plusSeconds(60)), "us10");
    }
}
