package io.mrm.decision.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.Require;
import io.mrm.testsupport.InProcessKafka;
import java.net.ServerSocket;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.junit.jupiter.api.Test;

/** The engine learns the environment it runs in from the brokers, and does not start without it. */
class KafkaClusterIdTest {

    @Test
    void theBrokersSayWhichClusterTheEngineRunsOn() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start();
                Admin admin =
                        Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()))) {
            String id = KafkaClusterId.read(
                    Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, kafka.bootstrapServers()),
                    Duration.ofSeconds(60));

            assertThat(id).isEqualTo(admin.describeCluster().clusterId().get());
            assertThat(Require.CLUSTER_ID.matcher(id).matches())
                    .as("a Kafka cluster id: %s", id)
                    .isTrue();
        }
    }

    @Test
    void withoutAnAnswerStartUpFailsInTimeNamingWhatItNeededAndWhere() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0)) {
            closed = socket.getLocalPort();
        }
        Instant start = Instant.now();

        assertThatThrownBy(() -> KafkaClusterId.read(
                        Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, "127.0.0.1:" + closed),
                        Duration.ofSeconds(2)))
                .hasMessageContaining("could not read the Kafka cluster id from 127.0.0.1:" + closed + " within 2 s")
                .hasMessageContaining("binds signed operator requests to it");
        assertThat(Duration.between(start, Instant.now())).isLessThan(Duration.ofSeconds(30));
    }
}
