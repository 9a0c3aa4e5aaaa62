package io.mrm.kafka.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.kafka.MrmKafkaProperties;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * A service made with kafka-support and replication 1: refused outside the profile local, started
 * with it or with the explicit allowance (and a loud warning). No broker is needed: nothing here
 * reaches one.
 */
@ExtendWith(OutputCaptureExtension.class)
class WeakDurabilityStartUpTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @Test
    void replicationOneOutsideTheLocalProfileIsRefused() {
        assertThatThrownBy(() -> start("--mrm.kafka.replication-factor=1", "--mrm.kafka.min-insync-replicas=1"))
                .isInstanceOf(WeakDurabilityException.class)
                .hasMessageContaining("mrm.kafka.replication-factor is 1, below the minimum of 3");
    }

    @Test
    void theFailureReportSaysHowToAllowIt() {
        FailureAnalysis analysis = new WeakDurabilityFailureAnalyzer()
                .analyze(new IllegalStateException(
                        "binding",
                        new WeakDurabilityException("mrm.kafka.replication-factor is 1, below the minimum of 3")));

        assertThat(analysis.getDescription()).contains("mrm.kafka.replication-factor is 1");
        assertThat(analysis.getAction())
                .contains("SPRING_PROFILES_ACTIVE=local")
                .contains("allow-weak-durability=true");
    }

    @Test
    void theLocalProfileStartsWithReplicationOneAndAWarning(CapturedOutput output) {
        try (ConfigurableApplicationContext context = start("--spring.profiles.active=local")) {
            MrmKafkaProperties props = context.getBean(MrmKafkaProperties.class);
            assertThat(props.replicationFactor()).isEqualTo((short) 1);
            assertThat(props.minInsyncReplicas()).isEqualTo(1);
            assertThat(props.allowWeakDurability()).isTrue();
        }
        assertThat(output).contains("WEAK DURABILITY ALLOWED");
    }

    @Test
    void theExplicitAllowanceStartsWithoutTheProfile() {
        try (ConfigurableApplicationContext context = start(
                "--mrm.kafka.replication-factor=1",
                "--mrm.kafka.min-insync-replicas=1",
                "--mrm.kafka.allow-weak-durability=true")) {
            assertThat(context.getEnvironment().getActiveProfiles()).isEmpty();
            assertThat(context.getBean(MrmKafkaProperties.class).replicationFactor())
                    .isEqualTo((short) 1);
        }
    }

    private static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "mrm.service.name=durability-test",
                        "mrm.bus-auth.mode=off",
                        "mrm.kafka.create-topics=false",
                        // nothing to create, and no broker: Spring's KafkaAdmin would wait its 30 s per context
                        "spring.kafka.admin.auto-create=false",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.main.banner-mode=off")
                .run(args);
    }
}
