package io.mrm.health.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.probe.BlockingProbePool;
import io.mrm.health.adapter.probe.DnsProbe;
import io.mrm.health.adapter.probe.HanaCheck;
import io.mrm.health.adapter.probe.HttpClients;
import io.mrm.health.adapter.probe.HttpProbe;
import io.mrm.health.adapter.probe.JcsmpTransport;
import io.mrm.health.adapter.probe.JdbcProbe;
import io.mrm.health.adapter.probe.PostgresCheck;
import io.mrm.health.adapter.probe.SempProbe;
import io.mrm.health.adapter.probe.StatusRange;
import io.mrm.health.adapter.probe.TcpProbe;
import io.mrm.health.domain.MonitoredTarget;
import io.mrm.health.domain.Probe;
import io.mrm.health.domain.ProbeResult;
import io.mrm.health.domain.ProbeTarget;
import io.mrm.health.domain.RoundTripProbe;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicBoolean;
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
            assertThat(target.expectedStatus()).isEqualTo("200-299");
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
    void vantageRegionIsOptionalAndValidatedAsANameWhenSet() {
        assertThat(bind(valid()).vantageRegion()).isNull();

        Map<String, String> props = valid();
        props.put("mrm.health.vantage-region", "");
        assertThat(bind(props).vantageRegion())
                .as("empty, as ${MRM_VANTAGE_REGION:} gives when unset")
                .isNull();

        props.put("mrm.health.vantage-region", "eu10");
        assertThat(bind(props).vantageRegion()).isEqualTo("eu10");

        props.put("mrm.health.vantage-region", "EU 10");
        assertProblems(props).hasMessageContaining("mrm.health.vantage-region 'EU 10' is not valid");
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

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].expected-status must be a status range such as 200-299");
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

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[1] has the same application-id, region "
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

        MonitoredTarget monitored =
                HealthMonitorConfiguration.httpTarget(bound.targets().get(0), bound.interval(), new HttpClients());

        assertThat(monitored.target())
                .isEqualTo(new ProbeTarget(
                        "orders",
                        "eu10",
                        "web",
                        ProbeKind.HTTP,
                        Duration.ofSeconds(5),
                        Duration.ofMillis(1000).plus(HealthMonitorConfiguration.SCHEDULER_MARGIN)));
        HttpProbe.Settings settings = ((HttpProbe) monitored.probe()).settings();
        assertThat(settings.url()).hasToString("https://orders.eu10.example.com/health");
        assertThat(settings.expectedStatus()).isEqualTo(new StatusRange(200, 299));
        assertThat(settings.bodyContains()).isEqualTo("UP");
        assertThat(settings.deadline()).isEqualTo(Duration.ofSeconds(1));
    }

    @Test
    void httpHeadersMayNotCarryCredentialsOrRestrictedNames() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].headers.Authorization", "Bearer abc123");
        props.put("mrm.health.targets[0].headers.Host", "other.example.com");
        props.put("mrm.health.targets[0].secret-headers.X-Api-Key.env", "ORDERS_KEY");
        props.put("mrm.health.targets[0].secret-headers.X-Other.file", "");
        props.put("mrm.health.targets[0].method", "POST");

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].headers.Authorization carries a credential: move it to "
                        + "mrm.health.targets[0].secret-headers.Authorization.env or .file")
                .hasMessageContaining("mrm.health.targets[0].headers.Host is set by the HTTP client itself")
                .hasMessageContaining("mrm.health.targets[0].secret-headers.X-Other needs exactly one of")
                .hasMessageContaining("mrm.health.targets[0].method must be GET or HEAD, was POST")
                .hasMessageNotContaining("abc123")
                .hasMessageNotContaining("X-Api-Key");
    }

    @Test
    void secretHeadersBecomeSecretReferencesOfTheProbe() {
        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].headers.X-Tenant", "orders");
        props.put("mrm.health.targets[0].secret-headers.Authorization.env", "ORDERS_HEALTH_AUTH");
        props.put("mrm.health.targets[0].method", "head");
        HealthMonitorProperties bound = bind(props);

        HttpProbe probe = (HttpProbe)
                HealthMonitorConfiguration.httpTarget(bound.targets().get(0), bound.interval(), new HttpClients())
                        .probe();

        assertThat(probe.settings().method()).isEqualTo("HEAD");
        assertThat(probe.settings().headers()).containsEntry("X-Tenant", "orders");
        assertThat(probe.settings().secretHeaders().get("Authorization"))
                .hasToString("environment variable ORDERS_HEALTH_AUTH");
    }

    @Test
    void typeDefaultsToHttpAndAnUnprobeableTypeNamesTheKey() {
        assertThat(bind(valid()).targets().get(0).type()).isEqualTo(ProbeKind.HTTP);

        Map<String, String> props = valid();
        props.put("mrm.health.targets[0].type", "alert-webhook");

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].type ALERT_WEBHOOK cannot be probed by "
                        + "the health monitor; use one of [HTTP, TCP, DNS, HANA, POSTGRES, AEM_SEMP, AEM_MESSAGING]");
    }

    @Test
    void aTypeWithoutItsBlockNamesTheBlock() {
        Map<String, String> props = valid();
        props.remove("mrm.health.targets[0].url");
        props.put("mrm.health.targets[0].type", "tcp");

        assertProblems(props)
                .hasMessageContaining(
                        "mrm.health.targets[0].tcp is required for type TCP (e.g. mrm.health.targets[0].tcp.port)")
                .hasMessageNotContaining(".url");
    }

    @Test
    void tcpPortOutOfRangeNamesTheKey() {
        Map<String, String> props = typed("tcp", Map.of("tcp.host", "db.eu10.example.com", "tcp.port", "70000"));

        assertProblems(props).hasMessageContaining("mrm.health.targets[0].tcp.port must be 1-65535, was 70000");
    }

    @Test
    void jdbcUrlsMustHaveTheirSchemeAndNoPassword() {
        Map<String, String> props = typed(
                "postgres",
                Map.of(
                        "postgres.jdbc-url",
                        "jdbc:postgresql://db:5432/shop?password=hunter2",
                        "postgres.username",
                        "probe",
                        "postgres.password.env",
                        "PG_PASSWORD"));
        props.putAll(typedAt(
                1,
                "hana",
                Map.of(
                        "hana.jdbc-url",
                        "jdbc:postgresql://db/shop",
                        "hana.username",
                        "probe",
                        "hana.password.file",
                        "/var/run/secrets/hana")));

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].postgres.jdbc-url must not contain a password; use "
                        + "mrm.health.targets[0].postgres.password.env or mrm.health.targets[0].postgres.password.file")
                .hasMessageContaining("mrm.health.targets[1].hana.jdbc-url must start with jdbc:sap:")
                .hasMessageNotContaining("hunter2");
    }

    @Test
    void aDatabaseOutsideLoopbackMustVerifyTlsUnlessOptedOut() {
        Map<String, String> props = typed(
                "postgres",
                Map.of(
                        "postgres.jdbc-url",
                        "jdbc:postgresql://db.example.com/shop",
                        "postgres.username",
                        "probe",
                        "postgres.password.env",
                        "PG_PASSWORD"));
        props.putAll(typedAt(
                1,
                "hana",
                Map.of(
                        "hana.jdbc-url",
                        "jdbc:sap://h.example.com:443?encrypt=true",
                        "hana.username",
                        "probe",
                        "hana.password.env",
                        "HANA_PASSWORD")));

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].postgres.jdbc-url must verify TLS outside loopback: add "
                        + "sslmode=verify-full")
                .hasMessageContaining("mrm.health.targets[1].hana.jdbc-url must verify TLS outside loopback: add "
                        + "encrypt=true&validateCertificate=true");

        props.put("mrm.health.targets[0].postgres.allow-unverified-tls", "true");
        props.put("mrm.health.targets[1].hana.allow-unverified-tls", "true");
        assertThat(bind(props).targets()).hasSize(2);
    }

    @Test
    void probeCredentialsNeverCrossTheNetworkInClearText() {
        Map<String, String> props = typed(
                "aem-semp",
                Map.of(
                        "semp.url",
                        "http://mr.example.com:8080",
                        "semp.vpn",
                        "shop",
                        "semp.username",
                        "monitor",
                        "semp.password.env",
                        "SEMP_PASSWORD"));
        props.putAll(typedAt(
                1,
                "aem-messaging",
                Map.of(
                        "jcsmp.host",
                        "tcp://mr.example.com:55555",
                        "jcsmp.vpn",
                        "shop",
                        "jcsmp.username",
                        "mrm-probe",
                        "jcsmp.password.env",
                        "AEM_PASSWORD",
                        "jcsmp.topic",
                        "mrm/probe/v1",
                        "jcsmp.queue",
                        "mrm-probe-v1")));

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].semp.url must use https (TLS): plain http would send the "
                        + "SEMP password in clear text (http is allowed only on loopback)")
                .hasMessageContaining("mrm.health.targets[1].jcsmp.host must use tcps (TLS): plain tcp would send the "
                        + "client password in clear text (tcp is allowed only on loopback)");
    }

    @Test
    void onLoopbackThePlainSchemesStayAllowed() {
        Map<String, String> props = typed(
                "aem-semp",
                Map.of(
                        "semp.url",
                        "http://127.0.0.1:8080",
                        "semp.vpn",
                        "shop",
                        "semp.username",
                        "monitor",
                        "semp.password.env",
                        "SEMP_PASSWORD"));
        props.putAll(typedAt(
                1,
                "aem-messaging",
                Map.of(
                        "jcsmp.host",
                        "tcp://localhost:55555",
                        "jcsmp.vpn",
                        "shop",
                        "jcsmp.username",
                        "mrm-probe",
                        "jcsmp.password.env",
                        "AEM_PASSWORD",
                        "jcsmp.topic",
                        "mrm/probe/v1",
                        "jcsmp.queue",
                        "mrm-probe-v1")));

        assertThat(bind(props).targets()).hasSize(2);
    }

    @Test
    void aSecretNeedsExactlyOneOfEnvOrFile() {
        Map<String, String> props = typed(
                "aem-semp",
                Map.of(
                        "semp.url",
                        "https://mr.example.com:943",
                        "semp.vpn",
                        "shop",
                        "semp.username",
                        "monitor",
                        "semp.password.env",
                        "A",
                        "semp.password.file",
                        "/b"));
        props.putAll(typedAt(1, "hana", Map.of("hana.jdbc-url", "jdbc:sap://h:443", "hana.username", "probe")));

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].semp.password needs exactly one of "
                        + "mrm.health.targets[0].semp.password.env (an environment variable) or "
                        + "mrm.health.targets[0].semp.password.file (a mounted secret file)")
                .hasMessageContaining("mrm.health.targets[1].hana.password needs exactly one of");
    }

    @Test
    void dnsNeedsAResolverAndAnswersByValidRegion() {
        Map<String, String> props =
                typed("dns", Map.of("dns.domain", "shop.example.com", "dns.resolver", "10.0.0.53:99999"));
        props.putAll(typedAt(
                1,
                "dns",
                Map.of(
                        "dns.domain",
                        "shop.example.com",
                        "dns.resolver",
                        "10.0.0.53",
                        "dns.answers.EU10",
                        "shop.eu10.example.com")));

        assertProblems(props)
                .hasMessageContaining("mrm.health.targets[0].dns.resolver '10.0.0.53:99999' has a port outside 1-65535")
                .hasMessageContaining("mrm.health.targets[0].dns.answers is required")
                .hasMessageContaining("mrm.health.targets[1].dns.answers key 'EU10' is not valid");
    }

    @Test
    void anEnabledAlertWebhookNeedsATokenAndRules() {
        Map<String, String> props = valid();
        props.put("mrm.health.alerts.enabled", "true");
        props.put("mrm.health.alerts.rules[0].application-id", "orders");
        props.put("mrm.health.alerts.rules[0].region", "eu10");

        assertProblems(props)
                .hasMessageContaining("mrm.health.alerts.token needs exactly one of")
                .hasMessageContaining("mrm.health.alerts.rules[0] needs alert-name, severities or labels");
    }

    @Test
    void alertIntakeDefaultsRefreshOnTheProbeCadenceAndIgnoreWatchdog() {
        Map<String, String> props = alerts();
        props.put("mrm.health.interval", "2s");

        HealthMonitorProperties.AlertWebhook alerts = bind(props).alerts();

        assertThat(alerts.refreshInterval()).isNull();
        assertThat(alerts.effectiveRefreshInterval(Duration.ofSeconds(2))).isEqualTo(Duration.ofSeconds(2));
        assertThat(alerts.maxAge()).isEqualTo(Duration.ofHours(5));
        assertThat(alerts.ignoredAlertNames()).containsExactly("InfoInhibitor", "Watchdog");
        assertThat(alerts.rules()).singleElement().satisfies(rule -> {
            assertThat(rule.severities()).isEmpty();
            assertThat(rule.resolvedMeansUp()).isFalse();
        });
        assertThat(bind(valid()).alerts().maxAge()).isEqualTo(Duration.ofHours(5));
    }

    @Test
    void alertIntakeSettingsBind() {
        Map<String, String> props = alerts();
        props.put("mrm.health.alerts.refresh-interval", "500ms");
        props.put("mrm.health.alerts.max-age", "30m");
        props.put("mrm.health.alerts.ignored-alert-names", "DeadMansSnitch");
        props.put("mrm.health.alerts.rules[0].severities", "critical,page");
        props.put("mrm.health.alerts.rules[0].resolved-means-up", "true");

        HealthMonitorProperties.AlertWebhook alerts = bind(props).alerts();

        assertThat(alerts.effectiveRefreshInterval(Duration.ofSeconds(1))).isEqualTo(Duration.ofMillis(500));
        assertThat(alerts.maxAge()).isEqualTo(Duration.ofMinutes(30));
        assertThat(alerts.ignoredAlertNames()).containsExactly("DeadMansSnitch");
        assertThat(alerts.rules().get(0).severities()).containsExactly("critical", "page");
        assertThat(alerts.rules().get(0).resolvedMeansUp()).isTrue();
    }

    @Test
    void badAlertIntakeSettingsNameTheirKeys() {
        Map<String, String> props = alerts();
        props.put("mrm.health.alerts.refresh-interval", "50ms");
        props.put("mrm.health.alerts.max-age", "0s");
        props.put("mrm.health.alerts.ignored-alert-names[0]", "Watchdog");
        props.put("mrm.health.alerts.ignored-alert-names[1]", " ");
        props.put("mrm.health.alerts.rules[1].alert-name", "Watchdog");
        props.put("mrm.health.alerts.rules[1].application-id", "orders");
        props.put("mrm.health.alerts.rules[1].region", "us10");
        props.put("mrm.health.alerts.rules[2].severities[0]", "");
        props.put("mrm.health.alerts.rules[2].severities[1]", "critical");
        props.put("mrm.health.alerts.rules[2].application-id", "orders");
        props.put("mrm.health.alerts.rules[2].region", "eu10");
        props.put("mrm.health.alerts.rules[3].alert-name", "OrdersSlow");
        props.put("mrm.health.alerts.rules[3].application-id", "orders");
        props.put("mrm.health.alerts.rules[3].region", "eu10");
        props.put("mrm.health.alerts.rules[3].resolved-means-up", "true");

        assertProblems(props)
                .hasMessageContaining("mrm.health.alerts.refresh-interval must be at least 100ms, was 50ms")
                .hasMessageContaining("mrm.health.alerts.max-age must be positive, was PT0S")
                .hasMessageContaining("mrm.health.alerts.ignored-alert-names[1] must not be blank")
                .hasMessageContaining("mrm.health.alerts.rules[1].alert-name Watchdog is in ignored-alert-names")
                .hasMessageContaining("mrm.health.alerts.rules[2].severities[0] must not be blank")
                .hasMessageContaining("mrm.health.alerts.rules[3].resolved-means-up is true but "
                        + "mrm.health.alerts.rules[0], for the same component orders/eu10/app, says false");
    }

    @Test
    void maxAgeMustOutlastTheRefreshInterval() {
        Map<String, String> props = alerts();
        props.put("mrm.health.interval", "10s");
        props.put("mrm.health.alerts.max-age", "10s");

        assertProblems(props)
                .hasMessageContaining(
                        "mrm.health.alerts.max-age (PT10S) must be longer than the " + "refresh interval (PT10S)");
    }

    private static Map<String, String> alerts() {
        Map<String, String> props = valid();
        props.put("mrm.health.alerts.enabled", "true");
        props.put("mrm.health.alerts.token.env", "ALERT_TOKEN");
        props.put("mrm.health.alerts.rules[0].alert-name", "OrdersDown");
        props.put("mrm.health.alerts.rules[0].application-id", "orders");
        props.put("mrm.health.alerts.rules[0].region", "eu10");
        return props;
    }

    @Test
    void boundTargetsOfEveryTypeBecomeTheirProbes() {
        Map<String, String> props = valid();
        props.putAll(typedAt(
                1, "tcp", Map.of("tcp.host", "db.eu10.example.com", "tcp.port", "5432", "connect-timeout", "300ms")));
        props.putAll(typedAt(
                2,
                "dns",
                Map.of(
                        "dns.domain",
                        "shop.example.com",
                        "dns.resolver",
                        "127.0.0.1:5353",
                        "dns.answers.eu10",
                        "shop.eu10.example.com,10.0.0.1",
                        "dns.answers.us10",
                        "shop.us10.example.com",
                        "read-timeout",
                        "700ms")));
        props.putAll(typedAt(
                3,
                "postgres",
                Map.of(
                        "postgres.jdbc-url",
                        "jdbc:postgresql://db:5432/shop?sslmode=verify-full",
                        "postgres.username",
                        "probe",
                        "postgres.password.env",
                        "PG_PASSWORD",
                        "postgres.replication-slot",
                        "mrm_sync")));
        props.putAll(typedAt(
                4,
                "hana",
                Map.of(
                        "hana.jdbc-url",
                        "jdbc:sap://h.example.com:443?encrypt=true&validateCertificate=true",
                        "hana.username",
                        "probe",
                        "hana.password.file",
                        "/var/run/secrets/hana",
                        "hana.max-replication-backlog",
                        "500")));
        props.putAll(typedAt(
                5,
                "aem-semp",
                Map.of(
                        "semp.url",
                        "https://mr.example.com:943",
                        "semp.vpn",
                        "shop",
                        "semp.username",
                        "monitor",
                        "semp.password.env",
                        "SEMP_PASSWORD")));
        HealthMonitorProperties bound = bind(props);

        try (BlockingProbePool pool = new BlockingProbePool(1, 1)) {
            ProbeFactory factory = new ProbeFactory(new HttpClients(), pool);
            List<MonitoredTarget> monitored = bound.targets().stream()
                    .map(t -> factory.monitored(t, bound.interval()))
                    .toList();

            assertThat(monitored)
                    .extracting(m -> m.target().kind())
                    .containsExactly(
                            ProbeKind.HTTP,
                            ProbeKind.TCP,
                            ProbeKind.DNS,
                            ProbeKind.POSTGRES,
                            ProbeKind.HANA,
                            ProbeKind.AEM_SEMP);
            assertThat(monitored.get(1).probe())
                    .isInstanceOfSatisfying(
                            TcpProbe.class,
                            p -> assertThat(p.settings())
                                    .isEqualTo(new TcpProbe.Settings(
                                            "db.eu10.example.com", 5432, Duration.ofMillis(300))));
            assertThat(monitored.get(1).target().timeout()).isEqualTo(Duration.ofMillis(1300));
            assertThat(monitored.get(2).probe()).isInstanceOfSatisfying(DnsProbe.class, p -> {
                assertThat(p.settings().domain()).isEqualTo("shop.example.com");
                assertThat(p.settings().resolver().getPort()).isEqualTo(5353);
                assertThat(p.settings().timeout()).isEqualTo(Duration.ofMillis(700));
            });
            assertThat(monitored.get(3).probe()).isInstanceOfSatisfying(JdbcProbe.class, p -> {
                assertThat(p.check())
                        .isInstanceOfSatisfying(
                                PostgresCheck.class,
                                c -> assertThat(c.replicationSlot()).isEqualTo("mrm_sync"));
                assertThat(p.deadline()).isEqualTo(Duration.ofSeconds(4));
            });
            assertThat(monitored.get(4).probe())
                    .isInstanceOfSatisfying(
                            JdbcProbe.class,
                            p -> assertThat(p.check())
                                    .isInstanceOfSatisfying(
                                            HanaCheck.class,
                                            c -> assertThat(c.maxBacklog()).isEqualTo(500)));
            assertThat(monitored.get(5).probe()).isInstanceOfSatisfying(SempProbe.class, p -> {
                assertThat(p.settings().vpn()).isEqualTo("shop");
                assertThat(p.settings().password()).hasToString("environment variable SEMP_PASSWORD");
            });
        }
    }

    @Test
    void aJcsmpTargetBecomesARoundTripProbeOverJcsmp() {
        Map<String, String> props = typed(
                "aem-messaging",
                jcsmp(Map.of(
                        "jcsmp.trust-store",
                        "/etc/mrm/aem-trust.p12",
                        "jcsmp.trust-store-password.file",
                        "/run/secrets/trust",
                        "jcsmp.max-round-trip",
                        "750ms")));
        props.put("mrm.health.targets[0].connect-timeout", "3s");
        props.put("mrm.health.targets[0].read-timeout", "4s");
        HealthMonitorProperties bound = bind(props);

        try (BlockingProbePool pool = new BlockingProbePool(1, 1)) {
            MonitoredTarget monitored = new ProbeFactory(new HttpClients(), pool)
                    .monitored(bound.targets().get(0), bound.interval());

            assertThat(monitored.target().kind()).isEqualTo(ProbeKind.AEM_MESSAGING);
            RoundTripProbe probe = (RoundTripProbe) monitored.probe();
            assertThat(probe.settings())
                    .isEqualTo(new RoundTripProbe.Settings(
                            Duration.ofSeconds(7).plus(ProbeFactory.JCSMP_MARGIN), Duration.ofMillis(750)));
            assertThat(monitored.target().timeout())
                    .isEqualTo(probe.settings().deadline().plus(HealthMonitorConfiguration.SCHEDULER_MARGIN));
            JcsmpTransport.Settings settings = ((JcsmpTransport) probe.transport()).settings();
            assertThat(settings.host()).isEqualTo("tcps://mr.example.com:55443");
            assertThat(settings.vpn()).isEqualTo("shop");
            assertThat(settings.username()).isEqualTo("mrm-probe");
            assertThat(settings.password()).hasToString("environment variable AEM_PASSWORD");
            assertThat(settings.topic()).isEqualTo("mrm/probe/vantage-a");
            assertThat(settings.queue()).isEqualTo("mrm-probe-vantage-a");
            assertThat(settings.connectTimeout()).isEqualTo(Duration.ofSeconds(3));
            assertThat(settings.readTimeout()).isEqualTo(Duration.ofSeconds(4));
            assertThat(settings.validateCertificate()).as("on by default").isTrue();
            assertThat(settings.trustStore()).isEqualTo(Path.of("/etc/mrm/aem-trust.p12"));
            assertThat(settings.trustStorePassword()).hasToString("file /run/secrets/trust");
            probe.close();
        }
    }

    @Test
    void badJcsmpSettingsNameTheirKeys() {
        Map<String, String> props = typed(
                "aem-messaging",
                Map.of(
                        "jcsmp.host",
                        "https://mr.example.com:943",
                        "jcsmp.username",
                        "mrm-probe",
                        "jcsmp.password.env",
                        "AEM_PASSWORD",
                        "jcsmp.topic",
                        "mrm/probe/>",
                        "jcsmp.queue",
                        "#DEAD_MSG_QUEUE",
                        "jcsmp.max-round-trip",
                        "10s"));
        props.putAll(typedAt(
                1,
                "aem-messaging",
                Map.of(
                        "jcsmp.host",
                        "tcp://user:pw@mr.example.com:55555",
                        "jcsmp.vpn",
                        "shop",
                        "jcsmp.username",
                        "mrm-probe",
                        "jcsmp.topic",
                        "mrm//probe",
                        "jcsmp.trust-store",
                        "/etc/trust.p12")));
        props.putAll(typedAt(2, "aem-messaging", Map.of("jcsmp.host", "tcps://:55443", "jcsmp.vpn", "shop")));
        props.putAll(typedAt(3, "aem-messaging", Map.of()));
        props.remove("mrm.health.targets[3].component");

        assertProblems(props)
                .hasMessageContaining(
                        "mrm.health.targets[0].jcsmp.host must start with tcps:// (TLS) or tcp://, was https")
                .hasMessageContaining("mrm.health.targets[0].jcsmp.vpn is required")
                .hasMessageContaining("mrm.health.targets[0].jcsmp.topic 'mrm/probe/>' must not contain the wildcards")
                .hasMessageContaining("mrm.health.targets[0].jcsmp.queue '#DEAD_MSG_QUEUE' is a system queue")
                .hasMessageContaining("mrm.health.targets[0].jcsmp.max-round-trip (10000ms) must be shorter than "
                        + "connect-timeout + read-timeout (4000ms)")
                .hasMessageContaining("mrm.health.targets[1].jcsmp.host must not contain credentials")
                .hasMessageContaining("mrm.health.targets[1].jcsmp.password needs exactly one of")
                .hasMessageContaining("mrm.health.targets[1].jcsmp.topic 'mrm//probe' has an empty level")
                .hasMessageContaining("mrm.health.targets[1].jcsmp.queue is required")
                .hasMessageContaining("mrm.health.targets[1].jcsmp.trust-store is only used with tcps:// hosts")
                .hasMessageContaining("mrm.health.targets[2].jcsmp.host must name a host")
                .hasMessageContaining("mrm.health.targets[2].jcsmp.username is required")
                .hasMessageContaining("mrm.health.targets[2].jcsmp.topic is required")
                .hasMessageContaining("mrm.health.targets[3].jcsmp is required for type AEM_MESSAGING (e.g. "
                        + "mrm.health.targets[3].jcsmp.host)")
                .hasMessageNotContaining("user:pw");
    }

    @Test
    void closingTheTargetsClosesWhatTheProbesKeepOpen() {
        AtomicBoolean closed = new AtomicBoolean();
        final class ClosingProbe implements Probe, AutoCloseable {
            @Override
            public CompletionStage<ProbeResult> probe() {
                throw new UnsupportedOperationException();
            }

            @Override
            public void close() {
                closed.set(true);
            }
        }
        ProbeTarget target = new ProbeTarget(
                "orders", "eu10", "aem", ProbeKind.AEM_MESSAGING, Duration.ofSeconds(1), Duration.ofSeconds(5));

        new HealthMonitorConfiguration.MonitoredTargets(List.of(new MonitoredTarget(target, new ClosingProbe())))
                .close();

        assertThat(closed).isTrue();
    }

    private static Map<String, String> jcsmp(Map<String, String> extra) {
        Map<String, String> settings = new HashMap<>(Map.of(
                "jcsmp.host",
                " tcps://mr.example.com:55443 ",
                "jcsmp.vpn",
                "shop",
                "jcsmp.username",
                "mrm-probe",
                "jcsmp.password.env",
                "AEM_PASSWORD",
                "jcsmp.topic",
                "mrm/probe/vantage-a",
                "jcsmp.queue",
                "mrm-probe-vantage-a"));
        settings.putAll(extra);
        return settings;
    }

    private static Map<String, String> typed(String type, Map<String, String> settings) {
        Map<String, String> props = new HashMap<>();
        props.put("mrm.health.vantage", "vantage-a");
        props.putAll(typedAt(0, type, settings));
        return props;
    }

    private static Map<String, String> typedAt(int index, String type, Map<String, String> settings) {
        String key = "mrm.health.targets[" + index + "].";
        Map<String, String> props = new HashMap<>();
        props.put(key + "application-id", "orders");
        props.put(key + "region", "eu10");
        props.put(key + "component", type.replace("aem-", "") + "-" + index);
        props.put(key + "type", type);
        settings.forEach((k, v) -> props.put(key + k, v));
        return props;
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
