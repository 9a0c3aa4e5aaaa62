package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ObservationEvent;
import io.mrm.events.observation.ProbeKind;
import io.mrm.testsupport.InProcessKafkaCluster;
import io.mrm.testsupport.TopicRecorder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.clients.producer.internals.BuiltInPartitioner;
import org.apache.kafka.common.Node;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.TopicPartitionInfo;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.config.TopicConfig;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.assertj.core.api.SoftAssertions;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Production topic settings on a real three-broker cluster: every registry topic is created with
 * replication factor 3 and min.insync.replicas 2 from configuration (set on the topic itself, not
 * inherited from a broker default), with its registry cleanup policy; and an acks=all publisher
 * whose next record goes to a partition whose leader has just been stopped gets that record
 * acknowledged by the remaining replicas, and it can be read back.
 */
@SpringBootTest(
        classes = ReplicatedTopicsIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=replication-test",
            "mrm.bus-auth.mode=off",
            "mrm.kafka.topic-prefix=rep.",
            "mrm.kafka.partitions=3",
            "mrm.kafka.replication-factor=3",
            "mrm.kafka.min-insync-replicas=2",
            "mrm.kafka.create-topics=true",
            // generous: a busy machine may need a while to move the leadership
            "mrm.kafka.send-timeout=120s",
            "spring.config.import=classpath:mrm-defaults.yml"
        })
class ReplicatedTopicsIT {

    static final InProcessKafkaCluster CLUSTER = start();
    static final TopicNames NAMES = new TopicNames("rep.");
    static final int PARTITIONS = 3;
    static final Duration BOUND = Duration.ofSeconds(120);

    static InProcessKafkaCluster start() {
        try {
            return InProcessKafkaCluster.start(3);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", CLUSTER::bootstrapServers);
    }

    @AfterAll
    static void stopCluster() throws Exception {
        CLUSTER.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @Autowired
    EventPublisher publisher;

    @Test
    void everyRegistryTopicIsCreatedReplicatedWithItsOwnMinInsyncReplicas() throws Exception {
        try (Admin admin = admin()) {
            Set<String> names = Topics.ALL.stream().map(NAMES::of).collect(Collectors.toSet());
            awaitTopics(admin, names);
            assertThat(admin.listTopics().names().get().stream().filter(n -> n.startsWith(NAMES.prefix())))
                    .as("the deployment's topics are exactly the registry's")
                    .containsExactlyInAnyOrderElementsOf(names);

            Map<String, TopicDescription> descriptions =
                    admin.describeTopics(names).allTopicNames().get();
            List<ConfigResource> resources = names.stream()
                    .map(name -> new ConfigResource(ConfigResource.Type.TOPIC, name))
                    .toList();
            Map<ConfigResource, Config> configs =
                    admin.describeConfigs(resources).all().get();
            SoftAssertions softly = new SoftAssertions();
            for (Topic<?> topic : Topics.ALL) {
                String name = NAMES.of(topic);
                TopicDescription description = descriptions.get(name);
                softly.assertThat(description.partitions())
                        .as(name + " partitions")
                        .hasSize(PARTITIONS);
                description
                        .partitions()
                        .forEach(p -> softly.assertThat(p.replicas())
                                .as(name + "-" + p.partition() + " replicas")
                                .hasSize(3));
                Config config = configs.get(new ConfigResource(ConfigResource.Type.TOPIC, name));
                ConfigEntry minInsync = config.get(TopicConfig.MIN_IN_SYNC_REPLICAS_CONFIG);
                softly.assertThat(minInsync.value())
                        .as(name + " min.insync.replicas")
                        .isEqualTo("2");
                softly.assertThat(minInsync.source())
                        .as(name + " min.insync.replicas set on the topic")
                        .isEqualTo(ConfigEntry.ConfigSource.DYNAMIC_TOPIC_CONFIG);
                softly.assertThat(config.get(TopicConfig.CLEANUP_POLICY_CONFIG).value())
                        .as(name + " cleanup.policy")
                        .isEqualTo(topic.cleanup().kafkaValue());
            }
            softly.assertAll();
        }
    }

    @Test
    void aWriteToThePartitionWhoseLeaderWasJustStoppedIsAcknowledgedAndReadable() throws Exception {
        String topic = NAMES.of(Topics.OBSERVATIONS);
        HealthObservation before = observation();
        HealthObservation after = observation();
        // the partition both go to, as Kafka's default partitioner picks it from the key (the application id)
        int partition =
                BuiltInPartitioner.partitionForKey(before.applicationId().getBytes(StandardCharsets.UTF_8), PARTITIONS);
        try (Admin admin = admin()) {
            awaitTopics(admin, Set.of(topic));
            RecordMetadata first = publisher.publishAndWait(before);
            assertThat(first.partition())
                    .as("the partition the producer chose for the key")
                    .isEqualTo(partition);

            TopicPartitionInfo info = partitionInfo(admin, topic, partition);
            assertThat(info.leader()).as("leader of " + topic + "-" + partition).isNotNull();
            int stopped = info.leader().id();
            CLUSTER.stopBroker(stopped);

            RecordMetadata written = publisher.publishAndWait(after);
            assertThat(written.partition()).isEqualTo(partition);
            assertThat(written.offset()).isGreaterThan(first.offset());
            TopicPartitionInfo now = partitionInfo(admin, topic, partition);
            assertThat(now.leader()).as("a new leader").isNotNull();
            assertThat(now.leader().id()).isNotEqualTo(stopped);
            assertThat(now.isr()).extracting(Node::id).doesNotContain(stopped).hasSizeGreaterThanOrEqualTo(2);

            // readable where it was acknowledged, by a reader of committed data, and by a consumer of the topic
            assertThat(readAt(new TopicPartition(topic, partition), written.offset()))
                    .isEqualTo(after.id());
            try (TopicRecorder consumer =
                    new TopicRecorder(CLUSTER.bootstrapServers(), NAMES, List.of(Topics.OBSERVATIONS))) {
                Awaitility.await("both consumed")
                        .atMost(BOUND)
                        .until(() -> consumer.events(ObservationEvent.class).stream()
                                .map(e -> e.id())
                                .toList()
                                .containsAll(List.of(before.id(), after.id())));
            }
        }
    }

    private static Admin admin() {
        return Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()));
    }

    private static void awaitTopics(Admin admin, Set<String> names) {
        Awaitility.await("topics created")
                .atMost(BOUND)
                .until(() -> admin.listTopics().names().get().containsAll(names));
    }

    private static TopicPartitionInfo partitionInfo(Admin admin, String topic, int partition) throws Exception {
        return admin.describeTopics(List.of(topic))
                .allTopicNames()
                .get()
                .get(topic)
                .partitions()
                .get(partition);
    }

    /** The event id (ce_id) of the record at {@code offset}, read with read_committed. */
    private static String readAt(TopicPartition partition, long offset) {
        try (KafkaConsumer<byte[], byte[]> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        CLUSTER.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed",
                        ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                        false),
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer())) {
            consumer.assign(List.of(partition));
            consumer.seek(partition, offset);
            return Awaitility.await("record at " + partition + "@" + offset)
                    .atMost(BOUND)
                    .until(
                            () -> {
                                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(Duration.ofMillis(500))) {
                                    if (r.offset() == offset) {
                                        Header id = r.headers().lastHeader("ce_id");
                                        return id == null ? "" : new String(id.value(), StandardCharsets.UTF_8);
                                    }
                                }
                                return null;
                            },
                            Objects::nonNull);
        }
    }

    private static HealthObservation observation() {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                "orders",
                Instant.now(),
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-a",
                HealthStatus.UP,
                1L,
                null);
    }
}
