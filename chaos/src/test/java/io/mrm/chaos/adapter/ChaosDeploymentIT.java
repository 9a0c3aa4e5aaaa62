package io.mrm.chaos.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.chaos.domain.BackendState;
import io.mrm.chaos.domain.History;
import io.mrm.chaos.domain.OneActiveAtRest;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.TopologyState;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Set;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;

/**
 * The whole deployment comes up from docker-compose.yml's settings: every service ready, region A active and alone
 * writable and active in the backends; and the invariants read the backends (a stray GRANT is caught as two
 * writable databases).
 */
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
            BackendState primaryOnly =
                    new BackendState(Backends.REGION_A, Set.of(Backends.REGION_A), Set.of(Backends.REGION_A));
            Awaitility.await("hana-sync fences the standby's database")
                    .atMost(Duration.ofMinutes(2))
                    .pollInterval(Duration.ofMillis(500))
                    .until(() -> deployment.backends().state(), primaryOnly::equals);
            History quiet = HistoryReader.read(
                    deployment.recorder(), Backends.APP, deployment.backends().state());
            assertThat(new OneActiveAtRest().check(quiet)).isEmpty();

            deployment.backends().grantWrites(Backends.REGION_B);

            History split = HistoryReader.read(
                    deployment.recorder(), Backends.APP, deployment.backends().state());
            assertThat(new OneActiveAtRest().check(split))
                    .singleElement()
                    .satisfies(v -> assertThat(v.detail()).contains("2 databases"));
        }
    }
}
