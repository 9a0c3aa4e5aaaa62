package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.Topics;
import io.mrm.kafka.config.UnknownSettingsException;
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
import org.springframework.kafka.listener.ConcurrentMessageListenerContainer;
import org.springframework.kafka.listener.ConsumerAwareRebalanceListener;

/**
 * The command listener's settings as a service gets them: {@code mrm.kafka.commands.*} is checked
 * like every MRM setting (misspelt keys, bounds), and its hand-over bound must fit in the consumer's
 * {@code max.poll.interval.ms}. No broker: the containers are built, not started.
 */
class CommandListenerSettingsTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {
        @Bean
        ConcurrentMessageListenerContainer<byte[], byte[]> commandListener(EventListeners listeners) {
            ConcurrentMessageListenerContainer<byte[], byte[]> container =
                    listeners.commandContainer(Topics.DNS_COMMANDS, command -> {});
            container.setAutoStartup(false);
            return container;
        }
    }

    @Test
    void aMisspeltKeyIsRefusedNamingTheSetting() {
        assertThatThrownBy(() -> start("--mrm.kafka.commands.max-revocation-wiat=1m"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("did you mean mrm.kafka.commands.max-revocation-wait?");
    }

    @Test
    void theHandOverBoundMustBeBelowTheMaxPollInterval() {
        assertThatThrownBy(() -> start("--mrm.kafka.commands.max-revocation-wait=5m"))
                .rootCause()
                .hasMessageContaining("mrm.kafka.commands.max-revocation-wait (300000ms) must be below "
                        + "the consumer's max.poll.interval.ms (300000ms)");
        try (ConfigurableApplicationContext context = start(
                "--mrm.kafka.commands.max-revocation-wait=9m",
                "--spring.kafka.consumer.properties.max.poll.interval.ms=600000")) {
            assertThat(context.getBean(CommandListenerProperties.class).maxRevocationWait())
                    .hasMinutes(9);
        }
    }

    @Test
    void theHandOverBoundIsAtLeastASecond() {
        assertThatThrownBy(() -> start("--mrm.kafka.commands.max-revocation-wait=100ms"))
                .rootCause()
                .hasMessageContaining("mrm.kafka.commands.max-revocation-wait must be at least 1s");
    }

    @Test
    void theGroupRebalancesCooperativelyUnlessTheConsumerSettingsSayOtherwise() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(consumerOverrides(context).getProperty(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG))
                    .isEqualTo(CooperativeStickyAssignor.class.getName());
        }
        try (ConfigurableApplicationContext context = start(
                "--spring.kafka.consumer.properties.partition.assignment.strategy=" + RangeAssignor.class.getName())) {
            assertThat(consumerOverrides(context))
                    .doesNotContainKey(ConsumerConfig.PARTITION_ASSIGNMENT_STRATEGY_CONFIG);
        }
    }

    @Test
    void aContainerWhoseHandOverWasReplacedRefusesToStart() {
        try (ConfigurableApplicationContext context = start()) {
            ConcurrentMessageListenerContainer<byte[], byte[]> container =
                    context.getBean(EventListeners.class).commandContainer(Topics.DNS_COMMANDS, command -> {});
            container.getContainerProperties().setConsumerRebalanceListener(new ConsumerAwareRebalanceListener() {});

            assertThatThrownBy(container::start)
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining("pass the service's own to EventListeners.commandContainer");
        }
    }

    @SuppressWarnings("unchecked")
    private static java.util.Properties consumerOverrides(ConfigurableApplicationContext context) {
        return context.getBean("commandListener", ConcurrentMessageListenerContainer.class)
                .getContainerProperties()
                .getKafkaConsumerProperties();
    }

    /** No broker: the local profile skips the topic check, and no topic is made. */
    private static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(TestApp.class)
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
