package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ObservationEvent;
import io.mrm.events.observation.ProbeKind;
import io.mrm.testsupport.InProcessKafkaCluster;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.Config;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.common.config.ConfigResource;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * Production topic settings on a real three-broker cluster: every registry topic is created with
 * replication factor 3 and min.insync.replicas 2 from configuration, the topology topic compacted,
 * and an acks=all publisher keeps publishing (and a listener keeps consuming) after a broker is lost.
 */
@SpringBootTest(classes = ReplicatedTopicsIT.TestApp.class, webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {"mrm.service.name=replication-test", "mrm.bus-auth.mode=off", "mrm.kafka.topic-prefix=rep.", "mrm.kafka.partitions=3",
                "mrm.kafka.replication-factor=3", "mrm.kafka.min-insync-replicas=2", "mrm.kafka.create-topics=true",
                "spring.config.import=classpath:mrm-defaults.yml"})
class ReplicatedTopicsIT {

    static final InProcessKafkaCluster CLUSTER = start();
    static final TopicNames NAMES = new TopicNames("rep.");

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
    static class TestApp {
        @Bean
        List<ObservationEvent> received() {
            return new CopyOnWriteArrayList<>();
        }

        @Bean
        ConcurrentMessageListenerContainer<byte[], byte[]> listener(EventListeners listeners,
                                                                    List<ObservationEvent> received) {
            return listeners.container(Topics.OBSERVATIONS, received::add);
        }
    }

    @Autowired
    EventPublisher publisher;

    @Autowired
    List<ObservationEvent> received;

    @Test
    void topicsAreReplicatedAsConfiguredAndPublishingSurvivesTheLossOfABroker() throws Exception {
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, CLUSTER.bootstrapServers()))) {
            List<String> names = Topics.ALL.stream().map(NAMES::of).toList();
            Awaitility.await("topics created").atMost(Duration.ofSeconds(30))
                    .until(() -> admin.listTopics().names().get().containsAll(names));
            Map<String, TopicDescription> descriptions = admin.describeTopics(names).allTopicNames().get();
            descriptions.values().forEach(description -> {
                assertThat(description.partitions()).hasSize(3);
                description.partitions().forEach(p -> assertThat(p.replicas()).hasSize(3));
            });
            ConfigResource topology = new ConfigResource(ConfigResource.Type.TOPIC, NAMES.of(Topics.TOPOLOGY));
            Config config = admin.describeConfigs(List.of(topology)).all().get().get(topology);
            assertThat(config.get("cleanup.policy").value()).isEqualTo("compact");
            assertThat(config.get("min.insync.replicas").value()).isEqualTo("2");
        }

        HealthObservation before = observation();
        publisher.publishAndWait(before);
        CLUSTER.stopBroker(CLUSTER.brokerIds().iterator().next());
        HealthObservation after = observation();
        publisher.publishAndWait(after);

        Awaitility.await("both consumed").atMost(Duration.ofSeconds(60))
                .until(() -> received.stream().map(e -> e.id()).toList().containsAll(List.of(before.id(), after.id())));
    }

    private static HealthObservation observation() {
        return new HealthObservation(UUID.randomUUID().toString(), "orders", Instant.now(),
                HealthObservation.SCHEMA_VERSION, "eu10", "app", ProbeKind.HTTP, "vantage-a", HealthStatus.UP, 1L, null);
    }
}
