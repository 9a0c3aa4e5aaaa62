package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.LoopbackProxy;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.integration.channel.AbstractSubscribableChannel;

/**
 * A service started while Kafka cannot be reached binds its output later (Spring Cloud Stream tries again every
 * binding-retry-interval). A write made once the broker answers but before that retry waits for the binding, as a
 * Kafka producer waits for a topic's metadata, instead of failing at once: an actuator whose command input happened
 * to be bound first would otherwise carry a command out and fail to acknowledge it, and dead-letter it.
 */
class EventOutputBoundLateIT {

    static final TopicNames NAMES = new TopicNames("outlate.");

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @Test
    void aWriteMadeBeforeTheLateBindingIsMadeWaitsForItAndIsAcknowledged() throws Exception {
        LoopbackProxy proxy = new LoopbackProxy();
        try (proxy;
                ConfigurableApplicationContext service = new SpringApplicationBuilder(TestApp.class)
                        .web(WebApplicationType.NONE)
                        // as arguments: they win over the imported files, as the environment does
                        .run(
                                "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-stream.yml",
                                "--spring.profiles.active=local",
                                "--mrm.service.name=output-late-test",
                                "--mrm.kafka.topic-prefix=outlate.",
                                "--mrm.kafka.create-topics=false",
                                "--spring.kafka.admin.auto-create=false",
                                "--spring.kafka.bootstrap-servers=" + proxy.address(),
                                "--spring.main.banner-mode=off",
                                "--spring.cloud.stream.bindings.events-out-0.destination=outlate.command.acks",
                                // a write waits up to max.block.ms and two of these for the binding
                                "--spring.cloud.stream.binding-retry-interval=5",
                                "--spring.cloud.stream.kafka.binder.producer-properties.max.block.ms=3000",
                                "--spring.cloud.stream.kafka.binder.configuration.default.api.timeout.ms=3000",
                                "--spring.cloud.stream.kafka.binder.configuration.request.timeout.ms=3000")) {
            AbstractSubscribableChannel output =
                    service.getBean(StreamRecordSender.BINDING, AbstractSubscribableChannel.class);
            assertThat(output.getSubscriberCount())
                    .as("not bound: no broker answered at start-up")
                    .isZero();
            try (InProcessKafka kafka =
                    InProcessKafka.start(Map.of("advertised.listeners", "EXTERNAL://" + proxy.address()))) {
                proxy.open(LoopbackProxy.addressOf(kafka.bootstrapServers()));
                try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, proxy.address()))) {
                    admin.createTopics(List.of(
                                    new NewTopic(NAMES.of(Topics.COMMAND_ACKS), 1, (short) 1),
                                    new NewTopic(NAMES.of(Topics.DEAD_LETTERS), 1, (short) 1)))
                            .all()
                            .get();
                }
                RecordMetadata sent = service.getBean(EventPublisher.class).publishAndWait(deadLetter());

                assertThat(sent.topic()).isEqualTo(NAMES.of(Topics.DEAD_LETTERS));
                assertThat(output.getSubscriberCount()).as("bound since").isOne();
            }
        }
    }

    private static DeadLetter deadLetter() {
        return new DeadLetter(
                "dl-late",
                "orders",
                Instant.now(),
                DeadLetter.SCHEMA_VERSION,
                "output-late-test",
                "outlate.commands.dns",
                0,
                1,
                null,
                "AAE=",
                2,
                Map.of(),
                DeadLetterReason.UNREADABLE,
                "a test");
    }
}
