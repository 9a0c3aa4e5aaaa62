package io.mrm.kafka.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * Production settings (replication 3, min.insync 2) do not vouch for topics that already exist: one
 * an operator made by hand with replication 1 stops the service at start-up, naming the topic. A
 * broker that does not answer bounds the check instead of hanging start-up. One broker suffices: the
 * refused topic is the only one, and the service is told not to make the others.
 */
@ExtendWith(OutputCaptureExtension.class)
class ExistingTopicsDurabilityIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @Test
    void aTopicMadeByHandWithReplicationOneIsRefused() throws Exception {
        TopicNames names = new TopicNames("handmade.");
        String topic = names.of(Topics.OBSERVATIONS);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            admin.createTopics(List.of(new NewTopic(topic, 1, (short) 1))).all().get();
        }

        assertThatThrownBy(() -> start(KAFKA.bootstrapServers(), "--mrm.kafka.topic-prefix=handmade."))
                .isInstanceOf(WeakDurabilityException.class)
                .hasMessageContaining("topic " + topic + ": replication factor is 1, below the minimum of 3")
                .hasMessageContaining("topic " + topic + ": min.insync.replicas is 1, below the minimum of 2")
                .hasMessageContaining("SPRING_PROFILES_ACTIVE=local");
    }

    @Test
    void topicsOfOtherDeploymentsAreNotChecked() {
        // the topic above belongs to the prefix handmade.; this deployment's topics do not exist yet
        try (ConfigurableApplicationContext context =
                start(KAFKA.bootstrapServers(), "--mrm.kafka.topic-prefix=other.")) {
            assertThat(context.isActive()).isTrue();
        }
    }

    @Test
    void anUnreachableBrokerDelaysStartUpOnlyByTheBound(CapturedOutput output) throws IOException {
        int closedPort;
        try (ServerSocket socket = new ServerSocket(0)) {
            closedPort = socket.getLocalPort();
        }
        long started = System.nanoTime();
        try (ConfigurableApplicationContext context =
                start("127.0.0.1:" + closedPort, "--mrm.kafka.durability-check-timeout=2s")) {
            assertThat(context.isActive()).isTrue();
        }
        // the bound, plus a generous allowance for a machine whose CPUs are saturated
        assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(60));
        assertThat(output).contains("could not read the replication of the existing topics within 2000 ms");
    }

    /** The bootstrap servers as an argument: the in-process broker sets them as a system property too. */
    private static ConfigurableApplicationContext start(String bootstrapServers, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.add("--spring.kafka.bootstrap-servers=" + bootstrapServers);
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "mrm.service.name=durability-it",
                        "mrm.bus-auth.mode=off",
                        "mrm.kafka.create-topics=false",
                        "spring.main.banner-mode=off")
                .run(all.toArray(String[]::new));
    }
}
