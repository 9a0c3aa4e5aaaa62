package io.mrm.chaos.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.TopologyState;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/** The whole deployment comes up from docker-compose.yml's settings: every service ready, region A active. */
class ChaosDeploymentIT {

    @Test
    void everyServiceStartsFromComposeSettingsAndRegionAServes() throws Exception {
        try (ChaosDeployment deployment = ChaosDeployment.start(
                Path.of("..").toAbsolutePath().normalize(),
                "deployment-it-" + System.currentTimeMillis(),
                System.out,
                Duration.ofMinutes(5))) {
            deployment
                    .recorder()
                    .await(
                            HealthObservation.class,
                            o -> o.region().equals(Backends.REGION_A) && o.status() == HealthStatus.UP,
                            Duration.ofMinutes(2));
            TopologyState steady = deployment
                    .recorder()
                    .await(TopologyState.class, t -> t.applicationId().equals(Backends.APP), Duration.ofMinutes(2));
            assertThat(steady.activeRegion()).isEqualTo(Backends.REGION_A);
            assertThat(deployment.backends().state().dnsRegion()).isEqualTo(Backends.REGION_A);
        }
    }
}
