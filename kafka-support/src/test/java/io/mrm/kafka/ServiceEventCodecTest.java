package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.MrmService;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.time.Instant;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The codec every service publishes through (the auto-configuration's bean, for the service's mrm.service.name)
 * encodes only for the topics the registry says that service writes: a health observation, say, only from the
 * health monitor.
 */
class ServiceEventCodecTest {

    static EventCodec codecOf(String serviceName) {
        return new MrmKafkaAutoConfiguration()
                .eventCodec(
                        TopicNames.defaults(), new MrmServiceProperties(serviceName, null), RecordAuthenticator.off());
    }

    static HealthObservation observation() {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                "orders",
                Instant.now(),
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-a",
                HealthStatus.UP,
                1L,
                null);
    }

    @ParameterizedTest
    @EnumSource(MrmService.class)
    void eachServicesCodecWritesObservationsOnlyIfItIsTheMonitor(MrmService service) {
        EventCodec codec = codecOf(service.serviceName());

        if (service == MrmService.HEALTH_MONITOR) {
            assertThat(codec.toRecord(observation()).topic())
                    .isEqualTo(TopicNames.defaults().of(Topics.OBSERVATIONS));
        } else {
            assertThatThrownBy(() -> codec.toRecord(observation()))
                    .isInstanceOf(IllegalStateException.class)
                    .hasMessageContaining(service.serviceName() + " may not write io.mrm.health.observation")
                    .hasMessageContaining("written by [health-monitor] only");
        }
    }

    @Test
    void aTestHarnessNamedAsNoServiceWritesAsNoOneInParticular() {
        assertThat(codecOf("lanes-test").toRecord(observation()).topic())
                .isEqualTo(TopicNames.defaults().of(Topics.OBSERVATIONS));
    }
}
