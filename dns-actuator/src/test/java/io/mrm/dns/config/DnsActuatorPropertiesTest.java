package io.mrm.dns.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The handler's waiting settings, bound as Spring binds them. */
class DnsActuatorPropertiesTest {

    static DnsActuatorProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate(DnsActuatorProperties.PREFIX, DnsActuatorProperties.class);
    }

    @Test
    void defaultsReportCachedAnswersAndPollEveryTwoSeconds() {
        DnsActuatorProperties props = bind(Map.of());

        assertThat(props.pacing().pollInterval()).isEqualTo(Duration.ofSeconds(2));
        assertThat(props.pacing().ackMargin()).isEqualTo(Duration.ofSeconds(2));
        assertThat(props.pacing().waitOutCachedAnswers()).isFalse();
        assertThat(bind(Map.of("mrm.dns.wait-out-cached-answers", "true"))
                        .pacing()
                        .waitOutCachedAnswers())
                .isTrue();
    }

    @Test
    void badDurationsAreNamedByTheirKeys() {
        assertThatThrownBy(() -> bind(Map.of("mrm.dns.poll-interval", "0s", "mrm.dns.ack-margin", "-1s")))
                .isInstanceOf(BindException.class)
                .rootCause()
                .hasMessageContaining("mrm.dns.poll-interval must be between 1ms and 60s, was PT0S")
                .hasMessageContaining("mrm.dns.ack-margin must be zero or positive, was PT-1S");
    }
}
