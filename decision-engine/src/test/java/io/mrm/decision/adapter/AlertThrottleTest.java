package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class AlertThrottleTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void oneAlertPerSourcePerPeriod() {
        AlertThrottle throttle = new AlertThrottle(Duration.ofMinutes(1));

        assertThat(throttle.allow("requests/2", T0)).isTrue();
        assertThat(throttle.allow("requests/2", T0.plusSeconds(59))).isFalse();
        assertThat(throttle.allow("acks/0", T0.plusSeconds(59)))
                .as("another source")
                .isTrue();
        assertThat(throttle.allow("requests/2", T0.plusSeconds(60))).isTrue();
        // a clock stepped back does not silence a source for the length of the step
        assertThat(throttle.allow("requests/2", T0.minusSeconds(3600))).isTrue();
    }
}
