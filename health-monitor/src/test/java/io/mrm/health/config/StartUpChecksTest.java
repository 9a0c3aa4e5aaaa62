package io.mrm.health.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.health.HealthMonitorApplication;
import io.mrm.kafka.MrmApplication;
import io.mrm.kafka.config.UnknownSettingsException;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The service's real Spring context refuses to start on a misspelt key, which would otherwise leave
 * the default in place without a word; the message names the key and the nearest one it takes.
 * Refused before the service reaches for a broker.
 */
class StartUpChecksTest {

    @Test
    void aMisspeltKeyInATargetStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() -> start(
                        "--mrm.health.targets[0].application-id=orders",
                        "--mrm.health.targets[0].region=eu10",
                        "--mrm.health.targets[0].url=http://127.0.0.1:9/health",
                        "--mrm.health.targets[0].conect-timeout=1s"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("mrm.health.targets[0].conect-timeout is not a setting; did you mean "
                        + "mrm.health.targets[0].connect-timeout?");
    }

    @Test
    void aMisspeltAlertIntakeKeyStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() -> start("--mrm.health.alerts.max-agee=1h"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining(
                        "mrm.health.alerts.max-agee is not a setting; did you mean " + "mrm.health.alerts.max-age?");
    }

    private static void start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--spring.main.banner-mode=off",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9"));
        args.addAll(List.of(extra));
        MrmApplication.builder(HealthMonitorApplication.class, HealthMonitorApplication.SERVICE)
                .run(args.toArray(String[]::new))
                .close();
    }
}
