package io.mrm.kafka.durability;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.kafka.MrmKafkaProperties;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The rule as the settings record applies it when bound. */
class DurabilityRuleTest {

    @Test
    void theDefaultsAreDurable() {
        MrmKafkaProperties props = bind(Map.of());

        assertThat(props.replicationFactor()).isEqualTo((short) 3);
        assertThat(props.minInsyncReplicas()).isEqualTo(2);
        assertThat(props.allowWeakDurability()).isFalse();
    }

    @Test
    void replicationOneIsRefusedNamingTheSettingItsValueTheMinimumAndHowToAllowIt() {
        assertThatThrownBy(
                        () -> bind(Map.of("mrm.kafka.replication-factor", "1", "mrm.kafka.min-insync-replicas", "1")))
                .rootCause()
                .isInstanceOf(WeakDurabilityException.class)
                .hasMessageContaining("mrm.kafka.replication-factor is 1, below the minimum of 3")
                .hasMessageContaining("mrm.kafka.min-insync-replicas is 1, below the minimum of 2")
                .hasMessageContaining("profile 'local'")
                .hasMessageContaining("mrm.kafka.allow-weak-durability=true");
    }

    @Test
    void minInsyncOneIsRefusedEvenWithThreeReplicas() {
        assertThatThrownBy(() -> bind(Map.of("mrm.kafka.min-insync-replicas", "1")))
                .rootCause()
                .isInstanceOf(WeakDurabilityException.class)
                .hasMessageContaining("mrm.kafka.min-insync-replicas is 1, below the minimum of 2")
                .hasMessageNotContaining("replication-factor is");
    }

    @Test
    void weakSettingsPassWhenExplicitlyAllowed() {
        MrmKafkaProperties props = bind(Map.of(
                "mrm.kafka.replication-factor",
                "1",
                "mrm.kafka.min-insync-replicas",
                "1",
                "mrm.kafka.allow-weak-durability",
                "true"));

        assertThat(props.replicationFactor()).isEqualTo((short) 1);
        assertThat(DurabilityRule.isWeak(props.replicationFactor(), props.minInsyncReplicas()))
                .isTrue();
    }

    private static MrmKafkaProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("mrm.kafka", Bindable.of(MrmKafkaProperties.class));
    }
}
