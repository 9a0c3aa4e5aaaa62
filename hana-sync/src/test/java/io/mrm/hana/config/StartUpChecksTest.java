package io.mrm.hana.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.hana.HanaSyncApplication;
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
    void aMisspeltKeyOfAnApplicationStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() -> start(
                        "--mrm.data.backend=POSTGRES_DEBEZIUM",
                        "--mrm.data.postgres.applications.orders.initial-primary=eu10",
                        "--mrm.data.postgres.applications.orders.app-rol=orders_app"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("mrm.data.postgres.applications.orders.app-rol is not a setting; did you mean "
                        + "mrm.data.postgres.applications.orders.app-role?");
    }

    private static void start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--spring.main.banner-mode=off",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9"));
        args.addAll(List.of(extra));
        MrmApplication.builder(HanaSyncApplication.class, HanaSyncApplication.SERVICE)
                .run(args.toArray(String[]::new))
                .close();
    }
}
