package io.mrm.health.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.HttpClients;
import io.mrm.health.adapter.HttpProbe;
import io.mrm.health.adapter.StatusRange;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.ProbeTarget;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

/** Binds {@code mrm.health.*} the way Spring Boot does at start-up, from a map of properties. */
class HealthMonitorPropertiesTest {

    @Test
    void defaultsApplyToAMinimalTarget() {
        HealthMonitorProperties props = bind(valid());

        assertThat(props.vantage()).isEqualTo("vantage-a");
        assertThat(props.interval()).isEqualTo(Duration.ofSeconds(1));
        assertThat(props.targets()).singleElement().satisfies(target -> {
            assertThat(target.component()).isEqualTo("app");
            assertThat(target.expectedStatus()).isEqualTo("200-399");
            assertThat(target.bodyContains()).isNull();
            assertThat(target.connectTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(target.readTimeout()).isEqualTo(Duration.ofSeconds(2));
            assertThat(target.effectiveInterval(props.interval())).isEqualTo(Duration.ofSeconds(1));
        });
    }

    @Test
    void noTargetsIsAllowed() {
        assertThat(bind(Map.of("mrm.health.vantage", "vantage-a")).targets()).isEmpty();
    }

    @Test
    void urlThatIsNotHttpNamesTheKey() {
        Map<String, String> props = valid();
        props.putAll(target(1, "orders", "eu20", "ftp://orders.eu20.example.com/health"));

        assertProblems(props).hasMessageContaining("mrm.health.targets[1].url must be http or https, was ftp");
    }

    @Test
    void missingUrlNamesTheKey() {
        Map<String, String> props = valid();
        props.remove("mrm.health.targets[0].url");

        assertProblems(props).hasMessageContaining("mrm.health.targets[0].url is required");
    }

    @Test
    void urlWithoutHostOrWithCredentialsIsRefusedWithoutEchoingThem() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].url", "https://probe:s3cret@orders.example.com/health");
        props.putAll(target(1, "orders", "eu20", "http:///health"));

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].url must not contain credentials")
                .hasMessageContaining("mrm.health.targets[1].url must name a host")
                .hasMessageNotContaining("s3cret");
    }

    @Test
    void intervalBelow100msNamesTheKey() {
        Map<String, String> props = valid();
        props.put("mrm.health.interval", "50ms");
        props.put("mrm.health.targets[0].interval", "10ms");

        assertProblems(props)
                .hasMessageContaining("mrm.health.interval must be at least 100ms, was 50ms")
                .hasMessageContaining("mrm.health.targets[0].interval must be at least 100ms, was 10ms");
    }

    @Test
    void missingOrInvalidVantageNamesTheKey() {
        Map<String, String> props = valid();
        props.remove("mrm.health.vantage");
        assertProblems(props).hasMessageContaining("mrm.health.vantage is required");

        props.put("mrm.health.vantage", "Vantage_A");
        assertProblems(props).hasMessageContaining("mrm.health.vantage 'Vantage_A' is not valid");
    }

    @Test
    void invalidNamesOfATargetNameTheirKeys() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].region", "EU10");
        props.put("mrm.health.targets[0].component", "-web");
        props.remove("mrm.health.targets[0].application-id");

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].application-id is required")
                .hasMessageContaining("mrm.health.targets[0].region 'EU10' is not valid")
                .hasMessageContaining("mrm.health.targets[0].component '-web' is not valid");
    }

    @Test
    void malformedStatusRangeNamesTheKey() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].expected-status", "2xx");

        assertProblems(props).hasMessageContaining(
                "mrm.health.targets[0].expected-status must be a status range such as 200-399");
    }

    @Test
    void nonPositiveTimeoutsNameTheirKeys() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].connect-timeout", "0s");
        props.put("mrm.health.targets[0].read-timeout", "-1s");

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].connect-timeout must be positive")
                .hasMessageContaining("mrm.health.targets[0].read-timeout must be positive");
    }

    @Test
    void twoTargetsForTheSameComponentAreRefused() {
        Map<String, String> props = valid();
        props.putAll(target(1, "orders", "eu10", "http://other.example.com/health"));

        assertProblems(props).hasMessageContaining("mrm.health.targets[1] has the same application-id, region "
                + "and component (orders/eu10/app) as mrm.health.targets[0]");
    }

    @Test
    void boundTargetBecomesAnHttpProbeTarget() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].component", "web");
        props.put("mrm.health.targets[0].expected-status", "200-299");
        props.put("mrm.health.targets[0].body-contains", "UP");
        props.put("mrm.health.targets[0].connect-timeout", "300ms");
        props.put("mrm.health.targets[0].read-timeout", "700ms");
        props.put("mrm.health.targets[0].interval", "5s");
        HealthMonitorProperties bound = bind(props);

        MonitoredTarget monitored = HealthMonitorConfiguration.httpTarget(bound.targets().get(0), bound.interval(),
                new HttpClients());

        assertThat(monitored.target()).isEqualTo(new ProbeTarget("orders", "eu10", "web", ProbeKind.HTTP,
                Duration.ofSeconds(5), Duration.ofMillis(1000).plus(HealthMonitorConfiguration.SCHEDULER_MARGIN)));
        HttpProbe.Settings settings = ((HttpProbe) monitored.probe()).settings();
        assertThat(settings.url()).hasToString("https://orders.eu10.example.com/health");
        assertThat(settings.expectedStatus()).isEqualTo(new StatusRange(200, 299));
        assertThat(settings.bodyContains()).isEqualTo("UP");
        assertThat(settings.deadline()).isEqualTo(Duration.ofSeconds(1));
    }

    private static HealthMonitorProperties bind(Map<String, String> props) {
        return new Binder(new MapConfigurationPropertySource(props))
                .bindOrCreate("mrm.health", HealthMonitorProperties.class);
    }

    private static AbstractThrowableAssert<?, ? extends Throwable> assertProblems(Map<String, String> props) {
        return assertThatThrownBy(() -> bind(props)).rootCause().isInstanceOf(IllegalArgumentException.class);
    }

    private static Map<String, String> valid() {
        Map<String, String> props = new HashMap<>();
        props.put("mrm.health.vantage", "vantage-a");
        props.putAll(target(0, "orders", "eu10", "https://orders.eu10.example.com/health"));
        return props;
    }

    private static Map<String, String> target(int index, String app, String region, String url) {
        String key = "mrm.health.targets[" + index + "].";
        return Map.of(key + "application-id", app, key + "region", region, key + "url", url);
    }
}
