package io.mrm.chaos.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.TopicDescription;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Three broker processes: the topics replicated three times; writes acknowledged by all go on with one killed, which
 * rejoins when restarted; a paused broker drops out of the cluster and comes back when resumed.
 */
class KafkaBrokersIT {

    @Test
    void topicsAreReplicatedThriceAndWritesSurviveAKilledOrPausedBroker() throws Exception {
        Path runDir = Files.createDirectories(Path.of("target", "chaos", "brokers-it-" + System.currentTimeMillis()));
        String classpath =
                Files.readString(Path.of("target", "kafka-broker.classpath")).trim();
        try (KafkaBrokers brokers = KafkaBrokers.start(runDir, classpath, new FreePorts(), Duration.ofMinutes(3))) {
            brokers.createMrmTopics(Duration.ofMinutes(1));
            String observations = TopicNames.defaults().of(Topics.OBSERVATIONS);
            try (Admin admin = brokers.admin()) {
                TopicDescription description = admin.describeTopics(java.util.List.of(observations))
                        .allTopicNames()
                        .get(30, TimeUnit.SECONDS)
                        .get(observations);
                assertThat(description.partitions()).hasSize(KafkaBrokers.PARTITIONS);
                assertThat(description.partitions())
                        .allSatisfy(p -> assertThat(p.replicas()).hasSize(3));
                ConfigResource topic = new ConfigResource(ConfigResource.Type.TOPIC, observations);
                String minIsr = admin.describeConfigs(java.util.List.of(topic))
                        .all()
                        .get(30, TimeUnit.SECONDS)
                        .get(topic)
                        .get("min.insync.replicas")
                        .value();
                assertThat(minIsr).isEqualTo("2");
            }
            int leader = brokers.leaderOf(observations, 0);
            brokers.broker(leader).process().kill();
            Properties props = new Properties();
            props.putAll(Map.of(
                    ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                    brokers.bootstrapServers(),
                    ProducerConfig.ACKS_CONFIG,
                    "all",
                    ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                    60_000));
            try (KafkaProducer<String, String> producer =
                    new KafkaProducer<>(props, new StringSerializer(), new StringSerializer())) {
                producer.send(new ProducerRecord<>(observations, 0, "k", "v")).get(90, TimeUnit.SECONDS);
            }
            assertThat(brokers.leaderOf(observations, 0)).isNotEqualTo(leader);
            brokers.broker(leader).process().start();
            brokers.awaitBrokers(3, Duration.ofMinutes(2));

            ManagedProcess paused = brokers.broker(leader).process();
            paused.pause();
            brokers.awaitBrokers(2, Duration.ofMinutes(1));
            paused.resume();
            brokers.awaitBrokers(3, Duration.ofMinutes(2));
        }
    }
}
