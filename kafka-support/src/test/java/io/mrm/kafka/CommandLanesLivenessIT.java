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
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.OffsetSpec;
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
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.annotation.Bean;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A region is down and one application's backend hangs: its command blocks far past its deadline.
 * Fifty applications' commands arrive on one instance meanwhile; every other application's
 * commands finish before their own deadlines, the hung application's later commands wait behind
 * its first (in order, alone), no two commands of an application ever run at once, and the
 * committed offset of the hung application's partition never passes its unfinished command.
 */
@SpringBootTest(
        classes = CommandLanesLivenessIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=lanes-liveness",
            "mrm.kafka.topic-prefix=laneslive.",
            "mrm.kafka.partitions=6",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=laneslive.commands.dns"
        })
class CommandLanesLivenessIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("laneslive.");
    static final String GROUP = "lanes-liveness";
    static final int APPLICATIONS = 50;
    static final int COMMANDS_EACH = 3;
    static final String HUNG = "app-07";
    /** Generous, as the brief says: "on time" must not need an idle machine. */
    static final Duration DEADLINE = Duration.ofSeconds(60);
    /** The hung backend answers after this, or when the test ends: far past any deadline. */
    static final CountDownLatch HUNG_BACKEND = new CountDownLatch(1);

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopKafka() {
        HUNG_BACKEND.countDown();
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean
        Executions executions() {
            return new Executions();
        }

        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs, EventPublisher publisher, Executions executions) {
            return commandInput(
                    inputs,
                    command -> executions.run("A", command, () -> {
                        if (HUNG.equals(command.applicationId())) {
                            hang();
                        } else {
                            // what the actuators do: answer, and wait for the broker to take the answer
                            publisher.publishAndWait(
                                    Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 1, Map.of(), Instant.now()));
                        }
                    }));
        }
    }

    /** The input under test: the actuators' command input. */
    static CommandInput<DnsCommand> commandInput(CommandInputs inputs, Consumer<DnsCommand> handler) {
        return inputs.commandInput(Topics.DNS_COMMANDS, handler);
    }

    static void hang() {
        try {
            HUNG_BACKEND.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the backend hung", e);
        }
    }

    @Autowired
    Executions executions;

    @Autowired
    EventPublisher publisher;

    @Autowired
    BindingsLifecycleController bindings;

    /** Before the broker goes: the hung backend answers, and the instance hands its partitions back. */
    @org.junit.jupiter.api.AfterEach
    void stopListener() {
        HUNG_BACKEND.countDown();
        bindings.stop(CommandInput.BINDING);
    }

    @Test
    void oneHungBackendDelaysNoOtherApplicationsCommands() throws Exception {
        List<DnsRouteCommand> commands = new ArrayList<>();
        Map<String, RecordMetadata> where = new HashMap<>();
        for (int round = 0; round < COMMANDS_EACH; round++) {
            for (int app = 0; app < APPLICATIONS; app++) {
                Instant now = Instant.now();
                String applicationId = String.format("app-%02d", app);
                DnsRouteCommand command = new DnsRouteCommand(
                        "c-" + applicationId + "-" + round,
                        applicationId,
                        now,
                        1,
                        new StepRef("d-" + applicationId, 1, round, 1, now.plus(DEADLINE)),
                        "us10");
                commands.add(command);
                where.put(command.id(), publisher.publishAndWait(command));
            }
        }
        List<String> others = commands.stream()
                .filter(c -> !HUNG.equals(c.applicationId()))
                .map(c -> c.id())
                .toList();

        Awaitility.await("every other application's commands done")
                .atMost(DEADLINE.plusSeconds(15))
                .pollInterval(Duration.ofMillis(100))
                .untilAsserted(() -> assertThat(executions.completed())
                        .as("completed commands of the " + (APPLICATIONS - 1) + " applications whose backend answers")
                        .extracting(Executions.Execution::commandId)
                        .containsAll(others));

        List<Executions.Execution> done = executions.completed();
        System.out.println("[lanes] step times (publication to end) while " + HUNG + "'s backend hangs: "
                + Executions.summary(done));
        assertThat(done).as("every command finished before its own deadline").allMatch(Executions.Execution::onTime);
        assertThat(done).extracting(Executions.Execution::commandId).doesNotHaveDuplicates();
        assertThat(executions.overlaps())
                .as("two commands of one application running at once")
                .isEmpty();
        assertThat(executions.runningOf(HUNG))
                .as("the hung command is still running")
                .containsExactly("A:c-" + HUNG + "-0");
        assertThat(executions.hasStarted("A", "c-" + HUNG + "-1"))
                .as("the hung application's next command waits for its first")
                .isFalse();

        // the hung command's offset, and what follows it on its partition, are not committed; the rest are
        RecordMetadata hung = where.get("c-" + HUNG + "-0");
        TopicPartition hungPartition = new TopicPartition(hung.topic(), hung.partition());
        try (Admin admin = Admin.create(Map.of(AdminClientConfig.BOOTSTRAP_SERVERS_CONFIG, KAFKA.bootstrapServers()))) {
            Map<TopicPartition, Long> ends = admin
                    .listOffsets(where.values().stream()
                            .map(m -> new TopicPartition(m.topic(), m.partition()))
                            .distinct()
                            .collect(Collectors.toMap(tp -> tp, tp -> OffsetSpec.latest())))
                    .all()
                    .get()
                    .entrySet()
                    .stream()
                    .collect(Collectors.toMap(
                            Map.Entry::getKey, e -> e.getValue().offset()));
            Awaitility.await("offsets committed")
                    .atMost(Duration.ofSeconds(120))
                    .pollInterval(Duration.ofMillis(100))
                    .untilAsserted(() -> {
                        Map<TopicPartition, OffsetAndMetadata> committed = admin.listConsumerGroupOffsets(GROUP)
                                .partitionsToOffsetAndMetadata()
                                .get();
                        ends.forEach((tp, end) -> {
                            if (!tp.equals(hungPartition)) {
                                assertThat(committed.get(tp))
                                        .as("committed offset of " + tp)
                                        .isNotNull()
                                        .extracting(OffsetAndMetadata::offset)
                                        .isEqualTo(end);
                            }
                        });
                    });
            OffsetAndMetadata atHung = admin.listConsumerGroupOffsets(GROUP)
                    .partitionsToOffsetAndMetadata()
                    .get()
                    .get(hungPartition);
            assertThat(atHung == null ? 0 : atHung.offset())
                    .as("committed offset of the hung command's partition")
                    .isLessThanOrEqualTo(hung.offset());
        }
    }
}
