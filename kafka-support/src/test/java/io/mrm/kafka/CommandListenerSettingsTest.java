package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.Topics;
import io.mrm.events.command.DnsCommand;
import io.mrm.kafka.config.UnknownSettingsException;
import java.util.HashMap;
import java.util.Map;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.CooperativeStickyAssignor;
import org.apache.kafka.clients.consumer.RangeAssignor;
import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The command input's settings as a service gets them: {@code mrm.kafka.commands.*} is checked like every MRM
 * setting (misspelt keys, bounds), its hand-over bound must fit in the consumer's {@code max.poll.interval.ms},
 * the group rebalances cooperatively unless told otherwise, and the binding must read the input's topic. No broker:
 * nothing here starts a binding.
 */
class CommandListenerSettingsTest {

    /** A service with the command input, as an actuator declares it. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean(CommandInput.FUNCTION)
        CommandInput<DnsCommand> commands(CommandInputs inputs) {
            return inputs.commandInput(Topics.DNS_COMMANDS, command -> {});
        }
    }

    /** The same without the function bean: the input is made by the test, no binding is ever made. */
    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class NoBinding {}

    @Test
    void aMisspeltKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> start(TestApp.class, "--mrm.kafka.commands.max-revocation-wiat=1m"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("did you mean mrm.kafka.commands.max-revocation-wait?");
    }

    @Test
    void theHandOverBoundMustBeBelowTheMaxPollInterval() {
        try (ConfigurableApplicationContext context =
                start(NoBinding.class, "--mrm.kafka.commands.max-revocation-wait=5m")) {
            CommandInput<DnsCommand> input = input(context);
            assertThatThrownBy(() -> input.configure(new HashMap<>()))
                    .hasMessageContaining("mrm.kafka.commands.max-revocation-wait (300000ms) must be below "
                            + "the consumer's max.poll.interval.ms (300000ms)");
        }
        try (ConfigurableApplicationContext context =
                start(NoBinding.class, "--mrm.kafka.commands.max-revocation-wait=9m")) {
            Map<String, Object> consumer = new HashMap<>(Map.of(ConsumerConfig.MAX_POLL_INTERVAL_MS_CONFIG, "600000"));
            input(context).configure(consumer);
            assertThat(context.getBean(CommandListenerProperties.class).maxRevocationWait())
                    .hasMinutes(9);
        }
    }

    @Test
    void theHandOverBoundIsAtLeastASecond() {
        assertThatThrownBy(() -> start(NoBinding.class, "--mrm.kafka.commands.max-revocation-wait=100ms"))
                .rootCause()
                .hasMessageContaining("mrm.kafka.commands.max-revocation-wait must be at least 1s");
    }

    @Test
    void theGroupRebalancesCooperativelyUnlessTheConsumerSettingsSayOtherwise() {
        try (ConfigurableApplicationContext context = start(NoBinding.class)) {
            Map<String, Object> consumer = new HashMap<>();
            input(context).configure(consumer);
            assertThat(consumer)
                    .containsEntry(
                            ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG,
                            CooperativeStickyAssignor.class.getName());

            Map<String, Object> ranged =
                    new HashMap<>(Map.of(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class));
            input(context).configure(ranged);
            assertThat(ranged).containsEntry(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG, RangeAssignor.class);

            Map<String, Object> brokerSide = new HashMap<>(Map.of(ConsumerConfig.GROUP_PROTOCOL_CONFIG, "consumer"));
            input(context).configure(brokerSide);
            assertThat(brokerSide).doesNotContainKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        }
    }

    @Test
    void theConsumerNeverCommitsByItselfAndReadsOnlyCommittedCommands() {
        try (ConfigurableApplicationContext context = start(NoBinding.class)) {
            // what spring.kafka.consumer.* or the binding's configuration may have put there: the binder merges
            // them into its consumer's settings, and this customizer runs last
            Map<String, Object> consumer = new HashMap<>(Map.of(
                    ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG,
                    "true",
                    ConsumerConfig.ISOLATION_LEVEL_CONFIG,
                    "read_uncommitted"));
            input(context).configure(consumer);
            assertThat(consumer)
                    .as("an auto-commit would commit a command's offset while it still runs on its lane")
                    .containsEntry(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false)
                    .as("a command of an aborted engine transaction is never run")
                    .containsEntry(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        }
    }

    @Test
    void aCommandBindingOnAnotherTopicIsRefusedBeforeItStarts() {
        assertThatThrownBy(() -> start(
                        TestApp.class,
                        "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml",
                        "--spring.cloud.stream.bindings.commands-in-0.destination=mrm.commands.hana"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.stream.bindings.commands-in-0.destination is 'mrm.commands.hana': "
                        + "it must be this actuator's command topic, 'mrm.commands.dns'");
        assertThatThrownBy(() -> start(
                        TestApp.class, "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("it must be this actuator's command topic, 'mrm.commands.dns'");
    }

    @Test
    void aCommandBindingThatWouldNotHandTheLanesTheRecordItselfIsRefusedBeforeItStarts() {
        String imports = "--spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-commands.yml";
        String destination = "--spring.cloud.stream.bindings.commands-in-0.destination=mrm.commands.dns";
        // without the raw-record converter every command would fail on the consumer thread, be logged and skipped
        assertThatThrownBy(() -> start(
                        TestApp.class,
                        imports,
                        destination,
                        "--spring.cloud.stream.kafka.bindings.commands-in-0.consumer.converter-bean-name="))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.stream.kafka.bindings.commands-in-0.consumer.converter-bean-name "
                        + "is not set: it must be mrmRawRecordConverter");
        assertThatThrownBy(() -> start(
                        TestApp.class,
                        imports,
                        destination,
                        "--spring.cloud.stream.kafka.bindings.commands-in-0.consumer.converter-bean-name=other"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("converter-bean-name is 'other': it must be mrmRawRecordConverter");
        // a batch is one message: the lanes take records one by one
        assertThatThrownBy(() -> start(
                        TestApp.class,
                        imports,
                        destination,
                        "--spring.cloud.stream.bindings.commands-in-0.consumer.batch-mode=true"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.stream.bindings.commands-in-0.consumer.batch-mode is true");
        // another function bound instead: the command input would never be bound, the service ready all the same
        assertThatThrownBy(() -> start(TestApp.class, imports, destination, "--spring.cloud.function.definition=other"))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("spring.cloud.function.definition is 'other': it must be commands");
    }

    private static CommandInput<DnsCommand> input(ConfigurableApplicationContext context) {
        return context.getBean(CommandInputs.class).commandInput(Topics.DNS_COMMANDS, command -> {});
    }

    /** No broker: the local profile skips the topic check, and no topic is made. */
    private static ConfigurableApplicationContext start(Class<?> app, String... args) {
        return new SpringApplicationBuilder(app)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "spring.profiles.active=local",
                        "mrm.service.name=commands-test",
                        "mrm.kafka.create-topics=false",
                        // nothing to create, and no broker: Spring's KafkaAdmin would wait its 30 s per context
                        "spring.kafka.admin.auto-create=false",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.main.banner-mode=off")
                .run(args);
    }
}
