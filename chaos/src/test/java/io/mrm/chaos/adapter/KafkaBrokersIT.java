package io.mrm.chaos.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.kafka.acl.KafkaRole;
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
import org.apache.kafka.common.errors.SaslAuthenticationException;
import org.apache.kafka.common.errors.TopicAuthorizationException;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;

/**
 * Three broker processes: the topics replicated three times; every client must log in and is allowed only what its
 * role's ACLs grant; writes acknowledged by all go on with one killed, which rejoins when restarted; a paused broker
 * drops out of the cluster and comes back when resumed.
 */
class KafkaBrokersIT {

    @Test
    void topicsAreReplicatedThriceAndWritesSurviveAKilledOrPausedBroker() throws Exception {
        Path runDir = Files.createDirectories(Path.of("target", "chaos", "brokers-it-" + System.currentTimeMillis()));
        String classpath =
                Files.readString(Path.of("target", "kafka-broker.classpath")).trim();
        try (KafkaBrokers brokers = KafkaBrokers.start(
                runDir, classpath, new FreePorts(), Duration.ofMinutes(3), java.util.List.of("linked-monitor"))) {
            brokers.createMrmTopics(Duration.ofMinutes(1));
            brokers.grantRoles(Duration.ofMinutes(1));
            String observations = TopicNames.defaults().of(Topics.OBSERVATIONS);
            String dnsCommands = TopicNames.defaults().of(Topics.DNS_COMMANDS);
            String monitor = KafkaRole.MONITOR.defaultUser();

            // a monitor may write observations, and nothing else
            try (KafkaProducer<String, String> producer =
                    producer(brokers, brokers.users().clientProperties(monitor))) {
                producer.send(new ProducerRecord<>(observations, 0, "k", "v")).get(90, TimeUnit.SECONDS);
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(dnsCommands, 0, "k", "v"))
                                .get(90, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(TopicAuthorizationException.class);
            }
            // a linked client goes through its own links, to every broker it writes to; what a black hole held
            // goes through once it is restored
            Map<String, Object> linked = new java.util.HashMap<>(brokers.users().clientProperties(monitor));
            linked.put(ProducerConfig.BOOTSTRAP_SERVERS_CONFIG, brokers.bootstrapServersOf("linked-monitor"));
            try (KafkaProducer<String, String> producer = producer(brokers, linked)) {
                for (int partition = 0; partition < KafkaBrokers.PARTITIONS; partition++) {
                    producer.send(new ProducerRecord<>(observations, partition, "k", "v"))
                            .get(90, TimeUnit.SECONDS);
                }
                assertThat(brokers.linksOf("linked-monitor"))
                        .hasSize(3)
                        .allSatisfy(link -> assertThat(link.bytesForwarded()).isPositive());
                brokers.linksOf("linked-monitor").forEach(TcpLink::blackHole);
                var held = producer.send(new ProducerRecord<>(observations, 0, "k", "held"));
                brokers.linksOf("linked-monitor").forEach(TcpLink::restore);
                assertThat(held.get(90, TimeUnit.SECONDS).offset()).isNotNegative();
            }
            // a wrong password is refused
            Map<String, Object> impostor =
                    new java.util.HashMap<>(brokers.users().clientProperties(monitor));
            impostor.put(
                    "sasl.jaas.config",
                    "org.apache.kafka.common.security.scram.ScramLoginModule required username=\"" + monitor
                            + "\" password=\"guessed\";");
            try (KafkaProducer<String, String> producer = producer(brokers, impostor)) {
                assertThatThrownBy(() -> producer.send(new ProducerRecord<>(observations, 0, "k", "v"))
                                .get(90, TimeUnit.SECONDS))
                        .hasCauseInstanceOf(SaslAuthenticationException.class);
            }
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
            try (KafkaProducer<String, String> producer =
                    producer(brokers, brokers.users().clientProperties(monitor))) {
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

    private static KafkaProducer<String, String> producer(KafkaBrokers brokers, Map<String, Object> login) {
        Properties props = new Properties();
        props.putAll(Map.of(
                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                brokers.bootstrapServers(),
                ProducerConfig.ACKS_CONFIG,
                "all",
                ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG,
                60_000,
                ProducerConfig.MAX_BLOCK_MS_CONFIG,
                60_000));
        props.putAll(login);
        return new KafkaProducer<>(props, new StringSerializer(), new StringSerializer());
    }
}
