package io.mrm.aem.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.aem.AemSyncApplication;
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
    void aMisspeltKeyOfARegionStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() -> start(
                        "--mrm.aem.applications.orders.regions.eu10.semp-ulr=https://broker.example.com:943",
                        "--mrm.aem.applications.orders.regions.eu10.vpn=orders"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("mrm.aem.applications.orders.regions.eu10.semp-ulr is not a setting; "
                        + "did you mean "
                        + "mrm.aem.applications.orders.regions.eu10.semp-url?");
    }

    private static void start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--spring.main.banner-mode=off",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9"));
        args.addAll(List.of(extra));
        MrmApplication.builder(AemSyncApplication.class, AemSyncApplication.SERVICE)
                .run(args.toArray(String[]::new))
                .close();
    }
}
