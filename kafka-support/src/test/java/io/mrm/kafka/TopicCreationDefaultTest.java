package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.kafka.core.KafkaAdmin;

/**
 * Topics are an admin step's job: a service creates them only on a development stack (the profile
 * {@code local}), or when told to.
 */
class TopicCreationDefaultTest {

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @Test
    void outsideTheProfileLocalAServiceCreatesNoTopic() {
        try (ConfigurableApplicationContext context = start()) {
            assertThat(context.getBean(MrmKafkaProperties.class).createTopics()).isFalse();
            assertThat(context.getBeansOfType(KafkaAdmin.NewTopics.class)).isEmpty();
        }
    }

    @Test
    void withTheProfileLocalItCreatesTheRegistrysTopics() {
        try (ConfigurableApplicationContext context = start("--spring.profiles.active=local")) {
            assertThat(context.getBean(MrmKafkaProperties.class).createTopics()).isTrue();
            assertThat(context.getBeansOfType(KafkaAdmin.NewTopics.class)).hasSize(1);
        }
    }

    @Test
    void aServiceToldToCreatesThemAnywhere() {
        try (ConfigurableApplicationContext context = start("--mrm.kafka.create-topics=true")) {
            assertThat(context.getBeansOfType(KafkaAdmin.NewTopics.class)).hasSize(1);
        }
    }

    private static ConfigurableApplicationContext start(String... args) {
        // no broker: the admin does not connect at start (auto-create off), weak durability skips the topic check
        return new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "mrm.service.name=topics-test",
                        "mrm.bus-auth.mode=off",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.kafka.admin.auto-create=false",
                        "spring.main.banner-mode=off")
                .run(java.util.stream.Stream.concat(
                                java.util.stream.Stream.of(
                                        "--mrm.kafka.replication-factor=1",
                                        "--mrm.kafka.min-insync-replicas=1",
                                        "--mrm.kafka.allow-weak-durability=true"),
                                java.util.stream.Stream.of(args))
                        .toArray(String[]::new));
    }
}
