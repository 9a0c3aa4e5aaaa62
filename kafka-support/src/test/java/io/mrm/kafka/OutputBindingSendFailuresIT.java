package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.testsupport.InProcessKafka;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.RecordTooLargeException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.integration.context.IntegrationContextUtils;
import org.springframework.messaging.Message;
import org.springframework.messaging.SubscribableChannel;

/**
 * Writes the broker does not take fail, each its own caller's future, and never hang: a record larger than its
 * topic allows (the records written beside it are acknowledged, each future with its own record), a record for a
 * topic that does not exist (within the producer's metadata wait), and records written once the broker has stopped
 * (within the producer's delivery timeout). The failure goes to the caller alone, not also to the error channel.
 */
class OutputBindingSendFailuresIT {

    static final TopicNames NAMES = new TopicNames("sendfail.");

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @Test
    void aRecordTooLargeForItsTopicFailsItsOwnFutureAndTheRecordsBesideItAreAcknowledged() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start();
                ConfigurableApplicationContext service = start(kafka)) {
            try (Admin admin = admin(kafka)) {
                ConfigResource deadLetters =
                        new ConfigResource(ConfigResource.Type.TOPIC, NAMES.of(Topics.DEAD_LETTERS));
                admin.incrementalAlterConfigs(Map.of(
                                deadLetters,
                                List.of(new AlterConfigOp(
                                        new ConfigEntry("max.message.bytes", "8192"), AlterConfigOp.OpType.SET))))
                        .all()
                        .get(60, TimeUnit.SECONDS);
            }
            EventPublisher publisher = service.getBean(EventPublisher.class);
            List<DeadLetter> small = new ArrayList<>();
            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            CompletableFuture<RecordMetadata> large = null;
            for (int i = 0; i < 20; i++) {
                if (i == 10) {
                    // within the producer's own limit (1 MiB), over the topic's
                    large = publisher.publish(deadLetter(64 * 1024), null);
                }
                DeadLetter letter = deadLetter(16);
                small.add(letter);
                sent.add(publisher.publish(letter, null));
            }

            CompletableFuture<RecordMetadata> refused = large;
            assertThatThrownBy(() -> refused.get(120, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(RecordTooLargeException.class);
            for (int i = 0; i < small.size(); i++) {
                RecordMetadata meta = sent.get(i).get(120, TimeUnit.SECONDS);
                assertThat(read(kafka, meta))
                        .as("the record at the offset " + small.get(i).id() + "'s future reported")
                        .contains(small.get(i).id());
            }
        }
    }

    @Test
    void aRecordForATopicThatDoesNotExistFailsWithinTheMetadataWait() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start();
                ConfigurableApplicationContext service = start(kafka)) {
            EventPublisher publisher = service.getBean(EventPublisher.class);
            List<Message<?>> errors = new CopyOnWriteArrayList<>();
            service.getBean(IntegrationContextUtils.ERROR_CHANNEL_BEAN_NAME, SubscribableChannel.class)
                    .subscribe(errors::add);
            // the observations topic was not made (the admin step makes it; here nobody did)
            CompletableFuture<RecordMetadata> nowhere = publisher.publish(observation(), null);

            assertThatThrownBy(() -> nowhere.get(120, TimeUnit.SECONDS))
                    .isInstanceOf(ExecutionException.class)
                    .hasRootCauseInstanceOf(UnknownTopicOrPartitionException.class)
                    .hasStackTraceContaining(NAMES.of(Topics.OBSERVATIONS) + " not present in metadata");
            assertThat(errors)
                    .as("reported to its caller, who counts or retries it, and not also to Spring Integration's error "
                            + "channel, which logs each failed write whole at ERROR (a line per observation while "
                            + "the broker is away)")
                    .isEmpty();
            DeadLetter letter = deadLetter(16);
            assertThat(read(kafka, publisher.publish(letter, null).get(120, TimeUnit.SECONDS)))
                    .as("the next write, to a topic that exists")
                    .contains(letter.id());
        }
    }

    @Test
    void recordsWrittenOnceTheBrokerHasStoppedFailWithinTheDeliveryTimeout() throws Exception {
        InProcessKafka kafka = InProcessKafka.start();
        try (ConfigurableApplicationContext service = start(kafka)) {
            EventPublisher publisher = service.getBean(EventPublisher.class);
            publisher.publish(deadLetter(16), null).get(120, TimeUnit.SECONDS);
            kafka.close();

            List<CompletableFuture<RecordMetadata>> sent = new ArrayList<>();
            for (int i = 0; i < 5; i++) {
                sent.add(publisher.publish(deadLetter(16), null));
            }
            for (CompletableFuture<RecordMetadata> future : sent) {
                assertThatThrownBy(() -> future.get(120, TimeUnit.SECONDS))
                        .as("failed, not hanging and not reported stored")
                        .isInstanceOf(ExecutionException.class);
            }
        }
    }

    private static ConfigurableApplicationContext start(InProcessKafka kafka) throws Exception {
        try (Admin admin = admin(kafka)) {
            admin.createTopics(List.of(
                            new NewTopic(NAMES.of(Topics.COMMAND_ACKS), 1, (short) 1),
                            new NewTopic(NAMES.of(Topics.DEAD_LETTERS), 1, (short) 1)))
                    .all()
                    .get(60, TimeUnit.SECONDS);
        }
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-stream.yml",
                        "--spring.profiles.active=local",
                        "--mrm.service.name=send-failures-test",
                        "--mrm.kafka.topic-prefix=sendfail.",
                        "--mrm.kafka.create-topics=false",
                        "--spring.kafka.admin.auto-create=false",
                        "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
                        "--spring.main.banner-mode=off",
                        "--spring.cloud.stream.bindings.events-out-0.destination=sendfail.command.acks",
                        "--spring.cloud.stream.kafka.binder.producer-properties.max.block.ms=3000",
                        "--spring.cloud.stream.kafka.binder.producer-properties.request.timeout.ms=3000",
                        "--spring.cloud.stream.kafka.binder.producer-properties.delivery.timeout.ms=8000");
    }

    private static Admin admin(InProcessKafka kafka) {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()));
    }

    /** The value of the record at the reported place. */
    private static String read(InProcessKafka kafka, RecordMetadata sent) {
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, sent.offset());
            Awaitility.await("the record at " + partition + "@" + sent.offset())
                    .atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.offset() == sent.offset()) {
                                found.add(new String(r.value(), StandardCharsets.UTF_8));
                            }
                        }
                        return !found.isEmpty();
                    });
        }
        return found.get(0);
    }

    private static DeadLetter deadLetter(int originalBytes) {
        byte[] original = new byte[originalBytes];
        java.util.Arrays.fill(original, (byte) 'x');
        return new DeadLetter(
                "dl-" + UUID.randomUUID(),
                "orders",
                Instant.now(),
                DeadLetter.SCHEMA_VERSION,
                "send-failures-test",
                "sendfail.commands.dns",
                0,
                7,
                null,
                Base64.getEncoder().encodeToString(original),
                originalBytes,
                Map.of(),
                DeadLetterReason.UNREADABLE,
                "a test");
    }

    private static MrmEvent observation() {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                "orders",
                Instant.now(),
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-1",
                HealthStatus.UP,
                3L,
                "HTTP 200",
                null);
    }
}
