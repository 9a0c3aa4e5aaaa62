package io.mrm.decision.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.decision.DecisionEngineApplication;
import io.mrm.kafka.MrmApplication;
import io.mrm.kafka.config.UnknownSettingsException;
import io.mrm.kafka.durability.WeakDurabilityException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The engine's real Spring context refuses to start on a misspelt key (which would otherwise leave
 * the default in place without a word) and on replication below three outside the profile local.
 * Both are refused before the engine reaches for a broker.
 */
class StartUpChecksTest {

    @Test
    void aMisspeltKeyInAnApplicationStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() ->
                        start("--spring.profiles.active=local", "--mrm.decision.applications[0].failure-treshold=20"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("mrm.decision.applications[0].failure-treshold is not a setting; did you mean "
                        + "mrm.decision.applications[0].failure-threshold?");
    }

    @Test
    void aMisspeltPrefixStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() -> start("--spring.profiles.active=local", "--mrm.decison.tick-interval=5s"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining(
                        "mrm.decison.tick-interval is not a setting; did you mean " + "mrm.decision.tick-interval?");
    }

    @Test
    void replicationOneOutsideTheLocalProfileIsRefused() {
        assertThatThrownBy(() -> start("--mrm.kafka.replication-factor=1", "--mrm.kafka.min-insync-replicas=1"))
                .isInstanceOf(WeakDurabilityException.class)
                .hasMessageContaining("mrm.kafka.replication-factor is 1, below the minimum of 3")
                .hasMessageContaining("SPRING_PROFILES_ACTIVE=local");
    }

    private static void start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.main.banner-mode=off",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9",
                "--mrm.decision.applications[0].id=orders",
                "--mrm.decision.applications[0].primary-region=eu10",
                "--mrm.decision.applications[0].standby-region=us10"));
        args.addAll(List.of(extra));
        MrmApplication.builder(DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                .run(args.toArray(String[]::new))
                .close();
    }
}
