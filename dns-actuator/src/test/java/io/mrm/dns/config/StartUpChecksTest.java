package io.mrm.dns.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.dns.DnsActuatorApplication;
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
    void aMisspeltKeyOfAnApplicationsRecordStopsStartUpNamingTheNearestKey() {
        assertThatThrownBy(() -> start(
                        "--mrm.dns.router=ROUTE53",
                        "--mrm.dns.route53.applications.orders.hosted-zone=Z0FAKE0000000001",
                        "--mrm.dns.route53.applications.orders.record-name=orders.example.com"))
                .isInstanceOf(UnknownSettingsException.class)
                .hasMessageContaining("mrm.dns.route53.applications.orders.hosted-zone is not a setting; did you mean "
                        + "mrm.dns.route53.applications.orders.hosted-zone-id?");
    }

    private static void start(String... extra) {
        List<String> args = new ArrayList<>(List.of(
                "--spring.profiles.active=local",
                "--spring.main.banner-mode=off",
                "--server.port=0",
                "--spring.kafka.bootstrap-servers=127.0.0.1:9"));
        args.addAll(List.of(extra));
        MrmApplication.builder(DnsActuatorApplication.class, DnsActuatorApplication.SERVICE)
                .run(args.toArray(String[]::new))
                .close();
    }
}
