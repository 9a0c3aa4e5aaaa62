package io.mrm.chaos.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class ComposePolicyTest {

    @Test
    void thePolicyIsTheLocalStacksOwnWithTheEnginesDefaultsWhereItSetsNothing() throws Exception {
        ComposePolicy policy = ComposePolicy.read(Path.of("..").toAbsolutePath().normalize());

        assertThat(policy.applicationId()).isEqualTo("shop");
        assertThat(policy.quorum()).isEqualTo(2);
        assertThat(policy.staleAfter()).isEqualTo(Duration.ofSeconds(30));
        assertThat(policy.failureThreshold()).isEqualTo(3);
        assertThat(policy.recoveryThreshold()).isEqualTo(3);
        // decision-engine.yml sets no hold-down: the engine's default
        assertThat(policy.holdDown()).isEqualTo(Duration.ofHours(1));
        // health-monitor.yml probes every second: three failed probes call a region down
        assertThat(policy.probeInterval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(policy.timeToDown()).isEqualTo(Duration.ofSeconds(3));
    }
}
