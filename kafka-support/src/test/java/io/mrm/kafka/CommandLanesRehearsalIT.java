package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.command.DnsCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.testsupport.InProcessKafka;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
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
 * A drill's step hangs on a backend that does not answer, and a real failover's command for the same
 * application arrives behind it on the same partition: the real command runs while the rehearsal still
 * hangs — a drill never delays a real switch, not even by its own deadline. The rehearsal is let go only
 * when the test ends, so a real command that waited for it would never run and the test would fail.
 */
@SpringBootTest(
        classes = CommandLanesRehearsalIT.TestApp.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "mrm.service.name=lanes-rehearsal",
            "mrm.kafka.topic-prefix=lanesdrill.",
            "mrm.kafka.partitions=2",
            "spring.profiles.active=local",
            "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
            "spring.cloud.stream.bindings.commands-in-0.destination=lanesdrill.commands.dns"
        })
class CommandLanesRehearsalIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final String APP = "orders";
    /** Generous: "in time" must not need an idle machine; the rehearsal hangs far longer. */
    static final Duration BOUND = Duration.ofSeconds(60);
    /** The drill's backend answers only when this opens: at the end of the test. */
    static final CountDownLatch REHEARSAL_BACKEND = new CountDownLatch(1);

    static final CountDownLatch REHEARSAL_HANGING = new CountDownLatch(1);
    static final CountDownLatch REAL_DONE = new CountDownLatch(1);
    /** Per real command: whether the rehearsal was still hanging when it ran (the race happened). */
    static final List<Boolean> REHEARSAL_HUNG_DURING_REAL = new CopyOnWriteArrayList<>();

    @DynamicPropertySource
    static void kafka(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopKafka() {
        REHEARSAL_BACKEND.countDown();
        KAFKA.close();
    }

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs) {
            return CommandLanesLivenessIT.commandInput(inputs, CommandLanesRehearsalIT::handle);
        }
    }

    static void handle(DnsCommand command) {
        if (command.step().rehearsing()) {
            REHEARSAL_HANGING.countDown();
            try {
                REHEARSAL_BACKEND.await(10, TimeUnit.MINUTES);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while the drill's backend hung", e);
            }
        } else {
            REHEARSAL_HUNG_DURING_REAL.add(REHEARSAL_BACKEND.getCount() > 0);
            REAL_DONE.countDown();
        }
    }

    @Autowired
    EventPublisher publisher;

    @Autowired
    BindingsLifecycleController bindings;

    @AfterEach
    void stopListener() {
        REHEARSAL_BACKEND.countDown();
        bindings.stop(CommandInput.BINDING);
    }

    private static DnsRouteCommand route(String id, String decision, boolean rehearsal) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                id,
                APP,
                now,
                DnsRouteCommand.SCHEMA_VERSION,
                new StepRef(decision, 1, 0, 1, now.plus(Duration.ofMinutes(10)), rehearsal),
                "us10");
    }

    @Test
    void aRealCommandQueuedBehindAHungRehearsalRunsWhileTheRehearsalStillHangs() throws Exception {
        RecordMetadata drill = publisher.publishAndWait(route("drill-step", "drill-1", true));
        assertThat(REHEARSAL_HANGING.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("the rehearsal started (and hangs)")
                .isTrue();

        RecordMetadata real = publisher.publishAndWait(route("real-step", "decision-1", false));
        assertThat(real.partition()).as("same application, same partition").isEqualTo(drill.partition());
        assertThat(real.offset()).as("behind the rehearsal").isGreaterThan(drill.offset());

        assertThat(REAL_DONE.await(BOUND.toSeconds(), TimeUnit.SECONDS))
                .as("the real command ran though the rehearsal before it never ended")
                .isTrue();
        assertThat(REHEARSAL_HUNG_DURING_REAL)
                .as("the rehearsal was still hanging when the real command ran")
                .containsExactly(true);
    }
}
