package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.apache.kafka.clients.producer.ProducerConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.kafka.core.KafkaTemplate;

/**
 * A service whose output binding would not write the codec's records as they are does not start: each override
 * below, from the environment or the command line, would corrupt or lose every record while the service looked
 * ready. Refused before anything is bound (no broker needed).
 */
class OutputBindingSettingsTest {

    private static final String BINDING = "spring.cloud.stream.bindings.events-out-0.";
    private static final String KAFKA_BINDING = "spring.cloud.stream.kafka.bindings.events-out-0.producer.";

    @SpringBootConfiguration
    @EnableAutoConfiguration
    static class TestApp {}

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                // converted payloads instead of the codec's bytes
                BINDING + "producer.use-native-encoding | false | use-native-encoding is false",
                // every record to the binding's destination instead of its own topic
                KAFKA_BINDING + "use-topic-header | false | use-topic-header is 'false': it must be true",
                // Spring's headers and type hints instead of the CloudEvents headers and the signature
                "spring.cloud.stream.kafka.binder.header-mapper-bean-name | other | header-mapper-bean-name is "
                        + "'other': it must be mrmRecordHeaders",
                // no headers at all: the binder drops the header mapper in any other header mode
                BINDING + "producer.header-mode | none | header-mode is 'none'",
                BINDING + "producer.header-mode | embeddedHeaders | header-mode is 'embeddedHeaders'",
                // every record keyed by an expression instead of its application
                KAFKA_BINDING + "message-key-expression | payload | message-key-expression is 'payload': it must "
                        + "not be set",
                "spring.cloud.stream.kafka.default.producer.message-key-expression | payload | "
                        + "message-key-expression is 'payload': it must not be set",
                // no send future: the caller could not learn of the broker's acknowledgement
                KAFKA_BINDING + "sync | true | sync is 'true': it must be false",
                "spring.cloud.stream.kafka.default.producer.sync | true | sync is 'true': it must be false",
                // a traceparent header of the binder's own on every record, from an unrelated trace
                "spring.cloud.stream.kafka.binder.enable-observation | true | enable-observation is 'true': it must "
                        + "be false",
                // a transactional producer for this binding alone
                KAFKA_BINDING + "transaction-manager | someTransactionManager | transaction-manager is "
                        + "'someTransactionManager': it must not be set",
                // partitions by Spring Cloud Stream instead of by the application
                BINDING + "producer.partition-selector-expression | 0 | partitions by Spring Cloud Stream",
                BINDING + "producer.partition-key-expression | headers['x'] | partitions by Spring Cloud Stream",
                // a transactional producer refuses the services' plain writes
                "spring.cloud.stream.kafka.binder.transaction.transaction-id-prefix | tx- | transaction-id-prefix "
                        + "is set",
                // bound at the first write instead of at start-up
                "spring.cloud.stream.output-bindings | other | output-bindings is 'other': it must name events-out-0"
            })
    void anOutputBindingThatWouldNotWriteTheRecordsAsTheyAreIsRefused(String key, String value, String message) {
        assertThatThrownBy(() -> start("--" + key + "=" + value))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining(message);
    }

    @Test
    void aServiceWithoutTheOutputBindingsDestinationWritesThroughItsKafkaTemplate() throws Exception {
        try (var context = new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "spring.profiles.active=local",
                        "mrm.service.name=output-settings-test",
                        "mrm.kafka.create-topics=false",
                        "spring.kafka.admin.auto-create=false",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.main.banner-mode=off")
                .run()) {
            org.assertj.core.api.Assertions.assertThat(context.getBeansOfType(StreamRecordSender.class))
                    .isEmpty();
            org.assertj.core.api.Assertions.assertThat(context.getBean(EventPublisher.class))
                    .isNotNull();
        }
    }

    @Test
    void aServiceWritingThroughItsKafkaTemplatePartitionsByKeyWhateverTheSettingsSay() throws Exception {
        try (var context = new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml",
                        "spring.profiles.active=local",
                        "mrm.service.name=output-settings-test",
                        "mrm.kafka.create-topics=false",
                        "spring.kafka.admin.auto-create=false",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.main.banner-mode=off",
                        "spring.kafka.producer.properties.partitioner.class="
                                + "org.apache.kafka.clients.producer.RoundRobinPartitioner",
                        "spring.kafka.producer.properties.partitioner.ignore.keys=true")
                .run()) {
            @SuppressWarnings("unchecked")
            KafkaTemplate<String, byte[]> template = context.getBean("mrmKafkaTemplate", KafkaTemplate.class);
            org.assertj.core.api.Assertions.assertThat(
                            template.getProducerFactory().getConfigurationProperties())
                    .as("an application's records in its key's partition, in order")
                    .doesNotContainKeys(
                            ProducerConfig.PARTITIONER_CLASS_CONFIG, ProducerConfig.PARTITIONER_IGNORE_KEYS_CONFIG);
        }
    }

    private static void start(String override) {
        new SpringApplicationBuilder(TestApp.class)
                .web(WebApplicationType.NONE)
                .properties(
                        "spring.config.import=classpath:mrm-defaults.yml,classpath:mrm-stream.yml",
                        "spring.profiles.active=local",
                        "mrm.service.name=output-settings-test",
                        "mrm.kafka.create-topics=false",
                        "spring.kafka.admin.auto-create=false",
                        "spring.kafka.bootstrap-servers=127.0.0.1:9",
                        "spring.main.banner-mode=off",
                        BINDING + "destination=mrm.command.acks")
                .run(override)
                .close();
    }
}
