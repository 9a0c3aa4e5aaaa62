package io.mrm.aem.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** The settings as a user writes them (kebab-case keys), bound by Spring Boot's binder. */
class AemSyncPropertiesTest {

    static AemSyncProperties bind(Map<String, String> settings) {
        return new Binder(new MapConfigurationPropertySource(settings))
                .bindOrCreate("mrm.aem", AemSyncProperties.class);
    }

    static Map<String, String> valid() {
        Map<String, String> map = new LinkedHashMap<>();
        String eu = "mrm.aem.applications.orders.regions.eu10.";
        map.put(eu + "semp-url", "https://mr-abc.messaging.solace.cloud:943");
        map.put(eu + "vpn", "orders-eu10");
        map.put(eu + "username", "mrm-admin");
        map.put(eu + "password.env", "AEM_EU10_SEMP_PASSWORD");
        String us = "mrm.aem.applications.orders.regions.us10.";
        map.put(us + "semp-url", "https://mr-def.messaging.solace.cloud:943");
        map.put(us + "vpn", "orders-us10");
        map.put(us + "bearer-token.file", "/var/run/secrets/aem/us10-token");
        map.put(us + "delivery-check.host", "tcps://mr-def.messaging.solace.cloud:55443");
        map.put(us + "delivery-check.username", "mrm-probe");
        map.put(us + "delivery-check.password.env", "AEM_US10_PROBE_PASSWORD");
        map.put(us + "delivery-check.queue", "mrm/verify");
        map.put(us + "delivery-check.topic", "mrm/verify/orders");
        return map;
    }

    static String problems(Map<String, String> settings) {
        Throwable error = org.assertj.core.api.Assertions.catchThrowable(() -> bind(settings));
        assertThat(error).isInstanceOf(BindException.class);
        Throwable cause = error;
        while (cause.getCause() != null && !(cause instanceof IllegalArgumentException)) {
            cause = cause.getCause();
        }
        assertThat(cause).isInstanceOf(IllegalArgumentException.class);
        return cause.getMessage();
    }

    @Test
    void aValidConfigurationBindsWithItsDefaults() {
        AemSyncProperties props = bind(valid());

        assertThat(props.applications()).containsOnlyKeys("orders");
        assertThat(props.applications().get("orders").regions()).containsOnlyKeys("eu10", "us10");
        AemSyncProperties.Region us =
                props.applications().get("orders").regions().get("us10");
        assertThat(us.bearerToken().reference().toString()).isEqualTo("file /var/run/secrets/aem/us10-token");
        assertThat(us.deliveryCheck().connectTimeout()).isEqualTo(Duration.ofSeconds(5));
        assertThat(props.requestTimeout()).isEqualTo(Duration.ofSeconds(10));
        assertThat(props.brokerFencing()).isTrue();
        assertThat(props.limits().drainMaxWait()).isEqualTo(Duration.ofMinutes(2));
    }

    @Test
    void noApplicationsIsValid() {
        assertThat(bind(Map.of()).applications()).isEmpty();
    }

    @Test
    void everyProblemIsReportedAtOnceNamingItsKey() {
        Map<String, String> settings = valid();
        String eu = "mrm.aem.applications.orders.regions.eu10.";
        String us = "mrm.aem.applications.orders.regions.us10.";
        settings.put(eu + "semp-url", "http://mr-abc.messaging.solace.cloud:80");
        settings.remove(eu + "vpn");
        settings.put(eu + "bearer-token.env", "TOKEN");
        settings.put(us + "delivery-check.host", "tcp://mr-def.messaging.solace.cloud:55555");
        settings.remove(us + "delivery-check.queue");
        settings.put("mrm.aem.drain-max-wait", "10m");
        settings.put("mrm.aem.intent-lease", "15s");

        String message = problems(settings);

        assertThat(message)
                .startsWith("invalid aem-sync configuration:")
                .contains(
                        eu + "semp-url must be https: plain http would send the credentials in clear",
                        eu + "vpn is required",
                        "mrm.aem.applications.orders.regions.eu10 needs exactly one way to authenticate",
                        us + "delivery-check.host must use tcps",
                        us + "delivery-check.queue is required",
                        "mrm.aem.drain-max-wait must be at most 4m",
                        "mrm.aem.intent-lease (15000ms) must exceed twice mrm.aem.request-timeout (10000ms)");
    }

    @Test
    void credentialsAndUrlsAreCheckedForWhatWouldLeakASecret() {
        Map<String, String> settings = valid();
        String eu = "mrm.aem.applications.orders.regions.eu10.";
        settings.put(eu + "semp-url", "https://admin:pw@mr-abc.messaging.solace.cloud:943");
        settings.put(eu + "password.file", "/run/secrets/pw"); // both env and file

        String message = problems(settings);

        assertThat(message)
                .contains(
                        eu + "semp-url must not contain credentials",
                        eu + "password needs exactly one of " + eu + "password.env");
    }

    @Test
    void badIdsAndUrlsAreNamed() {
        Map<String, String> settings = new LinkedHashMap<>();
        settings.put("mrm.aem.applications.Orders.regions.eu10.semp-url", "https://broker:943/SEMP/v2");
        settings.put("mrm.aem.applications.Orders.regions.eu10.vpn", "a-vpn-name-that-is-far-too-long-for-solace");
        settings.put("mrm.aem.applications.Orders.regions.eu10.username", "u");
        settings.put("mrm.aem.applications.Orders.regions.eu10.password.env", "P");

        String message = problems(settings);

        assertThat(message)
                .contains(
                        "mrm.aem.applications key 'Orders' is not valid",
                        "without path or query",
                        "is not a Message VPN name");
    }

    @Test
    void plainHttpIsAcceptedOnLoopbackOnly() {
        assertThat(AemSyncProperties.loopback("127.0.0.1")).isTrue();
        assertThat(AemSyncProperties.loopback("localhost")).isTrue();
        assertThat(AemSyncProperties.loopback("[::1]")).isTrue();
        assertThat(AemSyncProperties.loopback("10.0.0.1")).isFalse();
        assertThat(AemSyncProperties.loopback("broker.example.com")).isFalse();
        assertThatThrownBy(() -> bind(Map.of("mrm.aem.poll-interval", "1ms")))
                .hasStackTraceContaining("mrm.aem.poll-interval must be at least 10ms");
    }
}
