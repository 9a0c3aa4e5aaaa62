package io.mrm.kafka;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.support.StaticListableBeanFactory;

/** A service running with bus authentication off says so in a metric an alert rule can watch. */
class BusAuthenticationGaugeTest {

    @Test
    void offIsVisibleAsZero() {
        MeterRegistry registry = new SimpleMeterRegistry();
        new MrmKafkaAutoConfiguration()
                .recordAuthenticator(
                        new BusAuthProperties(BusAuthProperties.Mode.OFF, null, null, List.of(), List.of()),
                        new MrmServiceProperties("dns-actuator", null),
                        new StaticListableBeanFactory(Map.of("meters", registry)).getBeanProvider(MeterRegistry.class));
        assertThat(registry.get("mrm.bus.authentication.required").gauge().value())
                .isZero();
    }
}
