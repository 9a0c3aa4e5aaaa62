package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

class MrmKafkaPropertiesTest {

    /** The tools that make topics as a deployment would (the ACL script, the chaos harness) see what a service sees. */
    @Test
    void theDefaultsAreWhatAServiceBindsWithNothingSet() {
        MrmKafkaProperties bound = new Binder(new MapConfigurationPropertySource(
                        java.util.Map.of("mrm.kafka.topic-prefix", "x.", "mrm.kafka.partitions", "4")))
                .bindOrCreate("mrm.kafka", MrmKafkaProperties.class);

        assertThat(MrmKafkaProperties.defaults("x.", 4)).isEqualTo(bound);
    }
}
