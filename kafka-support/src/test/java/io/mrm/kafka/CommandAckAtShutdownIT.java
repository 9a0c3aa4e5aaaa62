package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.testsupport.InProcessKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndMetadata;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.StringDeserializer;
import org.awaitility.Awaitility;
import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.BeansException;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.integration.channel.AbstractSubscribableChannel;

/**
 * An actuator asked to stop while it carries a command out still acknowledges that command: its command input stops
 * first and hands its partitions over, waiting for the running command (within
 * {@code mrm.kafka.commands.max-revocation-wait}), and only then does its output binding go. The command here takes
 * longer after the stop began than the listener container's own stop wait (ten seconds unless set), so an output
 * binding unbound once that wait ran out would lose the acknowledgement of a command carried out.
 */
class CommandAckAtShutdownIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("ackstop.");
    static final CountDownLatch STARTED = new CountDownLatch(1);
    static final AtomicLong STOP_BEGAN = new AtomicLong();
    /** How long the command still runs once the service is asked to stop. */
    static final Duration RUNS_ON = Duration.ofSeconds(15);

    @AfterAll
    static void stopKafka() {
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs, EventPublisher publisher, BeanFactory beans) {
            return inputs.commandInput(Topics.DNS_COMMANDS, command -> {
                STARTED.countDown();
                try {
                    // the command's work: it ends RUNS_ON after the stop began (or once the output binding is gone,
                    // which is what must not happen while it runs)
                    Awaitility.await()
                            .atMost(Duration.ofSeconds(180))
                            .pollInterval(Duration.ofMillis(100))
                            .until(() -> STOP_BEGAN.get() != 0
                                    && (System.nanoTime() - STOP_BEGAN.get() > RUNS_ON.toNanos()
                                            || !outputBound(beans)));
                } catch (ConditionTimeoutException e) {
                    throw new IllegalStateException("the test never stopped the service", e);
                }
                publisher.publishAndWait(
                        Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 1, Map.of(), Instant.now()));
            });
        }
    }

    @Test
    void aCommandRunningWhenTheActuatorStopsIsAcknowledgedBeforeItsOutputGoes() throws Exception {
        ConfigurableApplicationContext service = start();
        RecordMetadata sent;
        try {
            Instant now = Instant.now();
            sent = service.getBean(EventPublisher.class)
                    .publishAndWait(new DnsRouteCommand(
                            "c-stopping",
                            "shop",
                            now,
                            DnsRouteCommand.SCHEMA_VERSION,
                            new StepRef("d-shop", 1, 0, 1, now.plusSeconds(150)),
                            "us10"));
            assertThat(STARTED.await(120, TimeUnit.SECONDS))
                    .as("the command started")
                    .isTrue();
        } finally {
            STOP_BEGAN.set(System.nanoTime());
            service.close();
        }

        assertThat(acksOf("c-stopping"))
                .as("the acknowledgement of the command carried out while the actuator stopped")
                .hasSize(1);
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            OffsetAndMetadata committed = admin.listConsumerGroupOffsets("ack-stop-test")
                    .partitionsToOffsetAndMetadata()
                    .get(60, TimeUnit.SECONDS)
                    .get(new TopicPartition(sent.topic(), sent.partition()));
            assertThat(committed)
                    .as("the command's offset, committed with its acknowledgement written")
                    .isNotNull()
                    .extracting(OffsetAndMetadata::offset)
                    .isEqualTo(sent.offset() + 1);
        }
    }

    private static boolean outputBound(BeanFactory beans) {
        try {
            return beans.getBean(StreamRecordSender.BINDING) instanceof AbstractSubscribableChannel channel
                    && channel.getSubscriberCount() > 0;
        } catch (BeansException e) {
            return false; // the context has closed
        }
    }

    private static ConfigurableApplicationContext start() {
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
                        "--spring.profiles.active=local",
                        "--mrm.service.name=ack-stop-test",
                        "--mrm.kafka.topic-prefix=ackstop.",
                        "--mrm.kafka.partitions=1",
                        "--spring.kafka.bootstrap-servers=" + KAFKA.bootstrapServers(),
                        "--spring.main.banner-mode=off",
                        "--spring.cloud.stream.bindings.commands-in-0.destination=ackstop.commands.dns");
    }

    /** The acknowledgements of a command on the acks topic, read until the end of the topic. */
    private static List<String> acksOf(String commandId) {
        TopicPartition acks = new TopicPartition(NAMES.of(Topics.COMMAND_ACKS), 0);
        List<String> found = new ArrayList<>();
        try (KafkaConsumer<String, String> consumer = new KafkaConsumer<>(
                Map.of(
                        ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        KAFKA.bootstrapServers(),
                        ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                        "read_committed"),
                new StringDeserializer(),
                new StringDeserializer())) {
            consumer.assign(List.of(acks));
            consumer.seekToBeginning(List.of(acks));
            long end = consumer.endOffsets(List.of(acks)).get(acks);
            Awaitility.await("the acks topic read to its end")
                    .atMost(Duration.ofSeconds(60))
                    .pollDelay(Duration.ZERO)
                    .until(() -> {
                        for (ConsumerRecord<String, String> r : consumer.poll(Duration.ofMillis(200))) {
                            if (r.value() != null && r.value().contains("\"" + commandId + "\"")) {
                                found.add(r.value());
                            }
                        }
                        return consumer.position(acks) >= end;
                    });
        }
        return found;
    }
}
