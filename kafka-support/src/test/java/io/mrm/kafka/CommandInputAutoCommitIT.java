package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.testsupport.InProcessKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
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
 * An auto-commit asked for in the binding's consumer configuration (the binder passes it to its consumer; Spring
 * Boot's {@code spring.kafka.consumer.enable-auto-commit} it ignores) neither stops the command input (the
 * container refuses auto-commit with manual acknowledgements, so the binding would fail to start again and again
 * while the actuator runs) nor commits a command's offset while the command still runs on its lane.
 */
@SpringBootTest(
        classes = CommandInputAutoCommitIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=lanes-autocommit",
            "mrm.kafka.topic-prefix=autocommit.",
            "mrm.kafka.partitions=1",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=autocommit.commands.dns",
            // the binder ignores spring.kafka.consumer.enable-auto-commit, not the binding's own configuration
            "spring.cloud.stream.kafka.bindings.commands-in-0.consumer.configuration.enable.auto.commit=true",
            "spring.kafka.consumer.auto-commit-interval=100ms"
        })
class CommandInputAutoCommitIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("autocommit.");
    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final CountDownLatch RELEASE = new CountDownLatch(1);

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopKafka() {
        RELEASE.countDown();
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs) {
            return inputs.commandInput(Topics.DNS_COMMANDS, command -> {
                STARTED.countDown();
                try {
                    RELEASE.await(120, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                }
            });
        }
    }

    @Autowired
    EventPublisher publisher;

    @Test
    void aRunningCommandsOffsetIsNotCommittedEvenIfTheSettingsAskForAutoCommit() throws Exception {
        Instant now = Instant.now();
        RecordMetadata sent = publisher.publishAndWait(new DnsRouteCommand(
                "c-long", "shop", now, 1, new StepRef("d-shop", 1, 0, 1, now.plusSeconds(120)), "us10"));
        assertThat(STARTED.await(120, TimeUnit.SECONDS))
                .as("the command started")
                .isTrue();
        TopicPartition partition = new TopicPartition(sent.topic(), sent.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            // an auto-commit would commit the polled position within 100 ms of the next polls (one a second)
            Awaitility.await("nothing committed while the command runs")
                    .during(Duration.ofSeconds(5))
                    .atMost(Duration.ofSeconds(30))
                    .pollInterval(Duration.ofMillis(200))
                    .until(() -> committed(admin, partition) == null);
            RELEASE.countDown();
            Awaitility.await("committed once the command completed")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> assertThat(committed(admin, partition))
                            .isNotNull()
                            .extracting(OffsetAndMetadata::offset)
                            .isEqualTo(sent.offset() + 1));
        }
    }

    private static OffsetAndMetadata committed(Admin admin, TopicPartition partition) throws Exception {
        return admin.listConsumerGroupOffsets("lanes-autocommit")
                .partitionsToOffsetAndMetadata()
                .get()
                .get(partition);
    }
}
