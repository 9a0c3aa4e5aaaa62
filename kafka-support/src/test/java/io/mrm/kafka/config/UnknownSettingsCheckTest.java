package io.mrm.kafka.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;

/**
 * The check as every service gets it, from kafka-support's auto-configuration: a context with a
 * misspelt key does not start, and the failure report names the key and the nearest setting.
 * Settings records of the application itself ({@code @Bean} methods too) count as well as kafka-support's.
 */
class UnknownSettingsCheckTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {

        /** A settings object made by a {@code @Bean} method rather than registered as a type. */
        static class Probe {
            private int port;

            public int getPort() {
                return port;
            }

            public void setPort(int port) {
                this.port = port;
            }
        }

        @Bean
        @ConfigurationProperties("mrm.probe")
        Probe probe() {
            return new Probe();
        }
    }

    @Test
    void aMisspeltKeyStopsStartUpNamingItAndTheNearestSetting() {
        assertThatThrownBy(() -> start("--mrm.kafka.partitons=2"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining(
                        "mrm.kafka.partitons is not a setting; did you mean mrm.kafka.partitions? " + "(command line)");
    }

    @Test
    void theFailureReportNamesTheKey() {
        UnknownSettingsException failure = new UnknownSettingsException(java.util.List.of(
                new UnknownSetting("mrm.decison.tick-interval", "command line", "mrm.decision.tick-interval")));

        FailureAnalysis analysis = new UnknownSettingsFailureAnalyzer().analyze(failure);

        assertThat(analysis.getDescription())
                .contains("mrm.decison.tick-interval is not a setting; did you mean " + "mrm.decision.tick-interval?");
        assertThat(analysis.getAction()).contains("Correct or remove");
    }

    @Test
    void settingsOfTheApplicationAndOfKafkaSupportAreKnown() {
        try (ConfigurableApplicationContext context =
                start("--mrm.probe.port=1", "--mrm.kafka.partitions=2", "--mrm.service.name=check-test")) {
            assertThat(context.getBean(TestApp.Probe.class).getPort()).isEqualTo(1);
        }
    }

    @Test
    void aMisspeltKeyOfABeanMethodsSettingsIsNamedToo() {
        assertThatThrownBy(() -> start("--mrm.probe.prot=1"))
                .hasMessageContaining("mrm.probe.prot is not a setting; did you mean mrm.probe.port?");
    }

    /** No broker: the local profile skips the topic check, and no topic is made. */
    private static ConfigurableApplicationContext start(String... args) {
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "spring.profiles.active=local",
                        "mrm.service.name=check-test",
                        "mrm.kafka.create-topics=false",
                        // nothing to create, and no broker: Spring's KafkaAdmin would wait its 30 s per context
                        "spring.kafka.admin.auto-create=false",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.main.banner-mode=off")
                .run(args);
    }
}
