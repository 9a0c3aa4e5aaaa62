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
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.utils.Utils;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.cloud.stream.binding.BindingsLifecycleController;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * A second instance joins the consumer group while the first is executing a command of every
 * application. The partitions that move are handed over only
 * once the first instance has finished, or stopped, what it ran for them: no command of an
 * application is ever executed by two instances at once, and the other applications' commands still
 * finish before their deadlines. What the first instance completed is committed before the second
 * reads, up to the first command it did not complete (the commands it completed after that one run
 * again on the second, in order).
 *
 * <p>On each partition one application's backend hangs: whichever partitions move, the first
 * instance must stop (interrupt) a command it runs for them before they go.
 *
 * <p>The race is forced, not hoped for: instance A's first command of each application does not end
 * before instance B has been through its first assignment, so A is busy with every application when
 * the group rebalances (asserted). And should B be given a partition while A still runs a command of
 * it, that command of A waits until B starts the same command, so that the overlap is seen.
 * ({@code max.poll.interval.ms} is short so that a member stuck in a command is evicted in the
 * test's time; the hand-over's bound must stay below it.)
 */
@SpringBootTest(
        classes = CommandLanesRebalanceIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=lanes-rebalance",
            "mrm.kafka.topic-prefix=lanesreb.",
            "mrm.kafka.partitions=6",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=lanesreb.commands.dns",
            // a member that does not come back to the group within this is evicted
            "spring.kafka.consumer.properties.max.poll.interval.ms=8000",
            "mrm.kafka.commands.max-revocation-wait=6s"
        })
class CommandLanesRebalanceIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("lanesreb.");
    static final int PARTITIONS = 6;
    static final int APPLICATIONS = 50;
    static final int COMMANDS_EACH = 4;
    /**
     * Whose backend hangs: on each partition, its first application. So whichever partitions move, a
     * command there runs far past what a hand-over waits for, and must be stopped before it moves.
     */
    static final Set<String> HUNG = hungApplications();
    /** Each command's own deadline: generous, so that "on time" does not need an idle machine. */
    static final Duration DEADLINE = Duration.ofSeconds(60);

    static final CountDownLatch HUNG_BACKEND = new CountDownLatch(1);
    /** B has been through its first assignment: the group is rebalancing, or has. */
    static final CountDownLatch B_ASSIGNED = new CountDownLatch(1);

    static volatile Instant bAssignedAt;
    static final Set<TopicPartition> OWNED_BY_B = ConcurrentHashMap.newKeySet();
    static final Set<TopicPartition> REVOKED_FROM_A = ConcurrentHashMap.newKeySet();

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
                        if (HUNG.contains(command.applicationId())) {
                            hang();
                            return;
                        }
                        if (command.step().stepIndex() == 0) {
                            Instant deadline = command.step().deadline();
                            // busy with every application when the group rebalances
                            awaitUntil(() -> B_ASSIGNED.getCount() == 0, deadline);
                            // were B given this partition now, it would run this command too: let that be seen
                            if (OWNED_BY_B.contains(partitionOf(command.applicationId()))) {
                                awaitUntil(() -> executions.hasStarted("B", command.id()), deadline);
                            }
                        }
                        answer(publisher, command);
                    }),
                    recording(REVOKED_FROM_A, null, null));
        }
    }

    static volatile Consumer<DnsCommand> B_HANDLER;
    static volatile ConsumerAwareRebalanceListener B_LISTENER;

    /** Instance B's application: the same command input, its handler and listener set by the test. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class InstanceB {
        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs) {
            return commandInput(inputs, command -> B_HANDLER.accept(command), B_LISTENER);
        }
    }

    /** The input under test, with a rebalance listener of the service's own (as hana-sync has). */
    static CommandInput<DnsCommand> commandInput(
            CommandInputs inputs, Consumer<DnsCommand> handler, ConsumerAwareRebalanceListener rebalance) {
        return inputs.commandInput(Topics.DNS_COMMANDS, handler, rebalance);
    }

    @Autowired
    Executions executions;

    @Autowired
    EventPublisher publisher;

    @Autowired
    CommandInputs inputs;

    @Autowired
    BindingsLifecycleController bindings;

    /** Before the broker goes: the hung backends answer, and instance A hands its partitions back. */
    @org.junit.jupiter.api.AfterEach
    void stopInstanceA() {
        HUNG_BACKEND.countDown();
        bindings.stop(CommandInput.BINDING);
    }

    @Test
    void aJoiningInstanceNeverRunsWhatTheLeavingOneStillRuns() {
        List<DnsRouteCommand> commands = new ArrayList<>();
        Map<String, org.apache.kafka.clients.producer.RecordMetadata> where = new java.util.HashMap<>();
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
        Awaitility.await("A has started commands")
                .atMost(Duration.ofSeconds(120))
                .pollInterval(Duration.ofMillis(20))
                .until(() -> executions.startedCount() > 0);

        // instance B: a second actuator process of the same group, started as the service is, with its own binding
        B_HANDLER = command -> executions.run("B", command, () -> {
            if (HUNG.contains(command.applicationId())) {
                hang();
            } else {
                answer(publisher, command);
            }
        });
        B_LISTENER = recording(null, OWNED_BY_B, executions);
        ConfigurableApplicationContext b = new SpringApplicationBuilder(InstanceB.class)
                .web(WebApplicationType.NONE)
                .run(
                        "--mrm.service.name=lanes-rebalance",
                        "--mrm.kafka.topic-prefix=lanesreb.",
                        "--mrm.kafka.partitions=6",
                        "--spring.profiles.active=local",
                        "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
                        "--spring.cloud.stream.bindings.commands-in-0.destination=lanesreb.commands.dns",
                        "--spring.kafka.consumer.properties.max.poll.interval.ms=8000",
                        "--mrm.kafka.commands.max-revocation-wait=6s",
                        "--spring.kafka.bootstrap-servers=" + KAFKA.bootstrapServers());
        try {
            List<String> others = commands.stream()
                    .filter(c -> !HUNG.contains(c.applicationId()))
                    .map(c -> c.id())
                    .toList();
            Awaitility.await("every other application's commands done, or two instances running one application")
                    .atMost(DEADLINE.plusSeconds(30))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> !executions.overlaps().isEmpty()
                            || executions.completed().stream()
                                    .map(Executions.Execution::commandId)
                                    .collect(Collectors.toSet())
                                    .containsAll(others));
            assertThat(executions.overlaps())
                    .as("two instances running one application's commands")
                    .isEmpty();
            assertThat(executions.completed())
                    .as("completed commands")
                    .extracting(Executions.Execution::commandId)
                    .containsAll(others);

            List<Executions.Execution> ended = executions.ended();
            System.out.println(
                    "[lanes] step times across the rebalance: " + Executions.summary(executions.completed()));
            System.out.println("[lanes] partitions revoked from A: " + REVOKED_FROM_A + "; B owns " + OWNED_BY_B);
            assertThat(executions.completed())
                    .as("every command finished before its own deadline")
                    .allMatch(Executions.Execution::onTime);
            // A commits a partition up to its first command that did not complete: the commands A completed
            // after that one run again on B (in order, after A's run ended), and no other does
            Set<String> completedOnA = executions.completed().stream()
                    .filter(e -> e.instance().equals("A"))
                    .map(Executions.Execution::commandId)
                    .collect(Collectors.toSet());
            Map<Integer, Long> firstNotCompletedOnA = commands.stream()
                    .map(DnsRouteCommand::id)
                    .filter(id -> !completedOnA.contains(id))
                    .map(where::get)
                    .collect(Collectors.toMap(m -> m.partition(), m -> m.offset(), Math::min));
            List<String> again = executions.completed().stream()
                    .filter(e -> e.instance().equals("B"))
                    .map(Executions.Execution::commandId)
                    .filter(completedOnA::contains)
                    .toList();
            System.out.println("[lanes] commands completed on A and run again on B: " + again.size()
                    + " (offset of the first command A did not complete, per partition: " + firstNotCompletedOnA + ")");
            assertThat(again)
                    .as("completed on A, run again on B")
                    .allSatisfy(id -> assertThat(where.get(id).offset())
                            .isGreaterThan(firstNotCompletedOnA.getOrDefault(
                                    where.get(id).partition(), Long.MAX_VALUE)));
            assertThat(executions.completed())
                    .filteredOn(e -> e.instance().equals("B"))
                    .extracting(Executions.Execution::commandId)
                    .as("B runs each command once")
                    .doesNotHaveDuplicates();
            // the race was real: B took over applications A was running a command of when the group rebalanced
            Set<String> handedOver = ended.stream()
                    .filter(e -> e.instance().equals("B"))
                    .map(e -> e.applicationId())
                    .collect(Collectors.toSet());
            Set<String> busy = ended.stream()
                    .filter(e -> e.instance().equals("A"))
                    .filter(e -> e.started().isBefore(bAssignedAt) && !e.ended().isBefore(bAssignedAt))
                    .map(Executions.Execution::applicationId)
                    .collect(Collectors.toSet());
            busy.retainAll(handedOver);
            System.out.println("[lanes] applications A was running a command of when B was first assigned, then B ran: "
                    + busy.size());
            assertThat(busy)
                    .as("applications A was running a command of when the group rebalanced, then B ran")
                    .isNotEmpty();
            assertThat(OWNED_BY_B).as("partitions B was given").isNotEmpty().isSubsetOf(REVOKED_FROM_A);
            // a hung command on a partition that moved was stopped on A before B ran it (again)
            List<String> stoppedThenMoved = ended.stream()
                    .filter(e -> e.instance().equals("A") && !e.completed() && HUNG.contains(e.applicationId()))
                    .filter(e -> executions.hasStarted("B", e.commandId()))
                    .map(Executions.Execution::commandId)
                    .toList();
            assertThat(stoppedThenMoved)
                    .as("hung commands A stopped to hand their partition to B")
                    .isNotEmpty();
            // in each application, commands completed in the order they were sent
            Map<String, List<String>> order = executions.completed().stream()
                    .sorted(java.util.Comparator.comparing(Executions.Execution::ended))
                    .collect(Collectors.groupingBy(
                            Executions.Execution::applicationId,
                            Collectors.mapping(Executions.Execution::commandId, Collectors.toList())));
            order.forEach((app, ids) -> assertThat(ids).as(app).isSortedAccordingTo(String::compareTo));
        } finally {
            b.close();
        }
    }

    /**
     * Records what an instance is given and loses; for B also that it is given a partition while A
     * still runs a command of it (B would start that command next: the overlap this test is about).
     */
    static ConsumerAwareRebalanceListener recording(
            Set<TopicPartition> revoked, Set<TopicPartition> owned, Executions executions) {
        return new ConsumerAwareRebalanceListener() {
            @Override
            public void onPartitionsAssigned(
                    org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                if (executions != null) {
                    for (int app = 0; app < APPLICATIONS; app++) {
                        String applicationId = String.format("app-%02d", app);
                        Set<String> running = executions.runningOf(applicationId);
                        if (partitions.contains(partitionOf(applicationId))
                                && running.stream().anyMatch(r -> r.startsWith("A:"))) {
                            executions.overlap("B was given " + partitionOf(applicationId) + " while A ran " + running);
                        }
                    }
                }
                if (owned != null) {
                    owned.addAll(partitions);
                    if (bAssignedAt == null) {
                        bAssignedAt = Instant.now();
                    }
                    B_ASSIGNED.countDown();
                }
            }

            @Override
            public void onPartitionsRevokedBeforeCommit(
                    org.apache.kafka.clients.consumer.Consumer<?, ?> consumer, Collection<TopicPartition> partitions) {
                if (revoked != null) {
                    revoked.addAll(partitions);
                }
                if (owned != null) {
                    owned.removeAll(partitions);
                }
            }
        };
    }

    static Set<String> hungApplications() {
        Map<TopicPartition, String> first =
                new java.util.TreeMap<>(java.util.Comparator.comparingInt(TopicPartition::partition));
        for (int app = 0; app < APPLICATIONS; app++) {
            String applicationId = String.format("app-%02d", app);
            first.putIfAbsent(partitionOf(applicationId), applicationId);
        }
        return Set.copyOf(first.values());
    }

    static TopicPartition partitionOf(String applicationId) {
        int partition = Utils.toPositive(Utils.murmur2(applicationId.getBytes(java.nio.charset.StandardCharsets.UTF_8)))
                % PARTITIONS;
        return new TopicPartition(NAMES.of(Topics.DNS_COMMANDS), partition);
    }

    static void answer(EventPublisher publisher, DnsCommand command) {
        publisher.publishAndWait(Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 1, Map.of(), Instant.now()));
    }

    /** The backend waits (bounded by the command's deadline) for something the test arranges. */
    static void awaitUntil(BooleanSupplier condition, Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        if (left.isNegative() || left.isZero()) {
            return;
        }
        try {
            Awaitility.await().atMost(left).pollInterval(Duration.ofMillis(10)).until(condition::getAsBoolean);
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            // the command then ends at its deadline, as a real backend call bounded by it would
        }
    }

    static void hang() {
        try {
            HUNG_BACKEND.await(10, TimeUnit.MINUTES);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while the backend hung", e);
        }
    }
}
