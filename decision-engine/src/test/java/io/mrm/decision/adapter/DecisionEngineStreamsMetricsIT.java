package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.mrm.testsupport.InProcessKafka;
import java.nio.file.Files;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.serialization.Serdes;
import org.apache.kafka.streams.StreamsBuilder;
import org.apache.kafka.streams.StreamsConfig;
import org.junit.jupiter.api.Test;

/** The engine's Kafka Streams metrics are in the service's meter registry while it runs, and leave with it. */
class DecisionEngineStreamsMetricsIT {

    @Test
    void kafkaStreamsMetricsAreRegisteredWhileTheStreamsRun() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start()) {
            try (Admin admin =
                    Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
                admin.createTopics(List.of(
                                new NewTopic("metrics-in", 1, (short) 1), new NewTopic("metrics-out", 1, (short) 1)))
                        .all()
                        .get();
            }
            StreamsBuilder builder = new StreamsBuilder();
            builder.stream("metrics-in").to("metrics-out");
            Properties config = new Properties();
            config.put(StreamsConfig.APPLICATION_ID_CONFIG, "metrics-it");
            config.put(StreamsConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers());
            config.put(
                    StreamsConfig.STATE_DIR_CONFIG,
                    Files.createTempDirectory("metrics-it").toString());
            config.put(StreamsConfig.DEFAULT_KEY_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
            config.put(StreamsConfig.DEFAULT_VALUE_SERDE_CLASS_CONFIG, Serdes.ByteArraySerde.class);
            SimpleMeterRegistry registry = new SimpleMeterRegistry();
            DecisionEngineStreams streams = new DecisionEngineStreams(builder.build(), config, registry);

            streams.start();
            try {
                await("Kafka Streams metrics registered")
                        .atMost(Duration.ofSeconds(60))
                        .until(() -> streamMeters(registry).size() > 0);
                assertThat(streamMeters(registry))
                        .anySatisfy(
                                m -> assertThat(m.getId().getTag("client.id")).isNotBlank());
            } finally {
                streams.stop();
            }
            assertThat(streamMeters(registry)).isEmpty();
        }
    }

    private static List<Meter> streamMeters(SimpleMeterRegistry registry) {
        return registry.getMeters().stream()
                .filter(m -> m.getId().getName().startsWith("kafka.stream"))
                .toList();
    }
}
