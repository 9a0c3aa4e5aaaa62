package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.Route53ApiFakeAccess;
import io.mrm.events.TopicNames;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.kafka.readiness.ReadinessEndpoint;
import io.mrm.testsupport.BusKeyring;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service as deployed (bus authentication required, a real in-process broker, the Route 53 fake)
 * publishes its readiness on its own: one report per application on the readiness reports topic, signed
 * by dns-actuator and accepted by the engine's decoder. {@code orders} lives in a hosted zone the fake has
 * and is ready towards both regions; {@code billing} names a hosted zone that does not exist, which shows
 * as NOT_READY with Route 53's error code and the setting to fix.
 */
@SpringBootTest(
        classes = DnsActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=dns-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=dnsready.",
            "mrm.kafka.partitions=1",
            "mrm.dns.router=ROUTE53",
            "mrm.dns.route53.max-attempts=1",
            "mrm.dns.route53.applications.orders.hosted-zone-id=Z0FAKE0000000003",
            "mrm.dns.route53.applications.orders.record-name=orders.example.com",
            "mrm.dns.route53.applications.orders.targets.eu10.value=orders-eu10.example.net",
            "mrm.dns.route53.applications.orders.targets.us10.value=orders-us10.example.net",
            "mrm.dns.route53.applications.billing.hosted-zone-id=Z0NOSUCHZONE0003",
            "mrm.dns.route53.applications.billing.record-name=billing.example.com",
            "mrm.dns.route53.applications.billing.targets.eu10.value=billing-eu10.example.net",
            "mrm.dns.route53.applications.billing.targets.us10.value=billing-us10.example.net",
            // the first round runs at start; the bound is for a saturated machine, not an expectation
            "mrm.readiness.interval=120s",
            "mrm.readiness.timeout=100s"
        })
class DnsActuatorReadinessIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("dnsready.");
    static final Route53ApiFakeAccess ROUTE53 =
            Route53ApiFakeAccess.start("Z0FAKE0000000003", "orders.example.com", "orders-eu10.example.net");
    static final BusKeyring KEYS = keyring();

    static {
        System.setProperty("aws.accessKeyId", "AKIAFAKEFORTESTS");
        System.setProperty("aws.secretAccessKey", "fake-secret-for-tests");
    }

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.dns.route53.endpoint", ROUTE53::endpoint);
        KEYS.properties("dns-actuator", null).forEach((key, value) -> registry.add(key, () -> value));
    }

    @AfterAll
    static void stopAll() {
        ROUTE53.close();
        KAFKA.close();
        System.clearProperty("aws.accessKeyId");
        System.clearProperty("aws.secretAccessKey");
    }

    @Autowired
    ReadinessEndpoint onDemand;

    @Test
    void aRoundCanBeAskedForOnDemand() {
        // the gap between rounds is ReadinessEndpointTest's, on a clock it moves; here: wired, and it runs
        Map<String, Object> asked = onDemand.checkNow();
        assertThat(asked.get("ranNow")).isEqualTo(true);
        assertThat((List<?>) asked.get("reports")).hasSize(2);
    }

    @Test
    void publishesASignedReportPerApplicationAndABrokenZoneIsNotReady() {
        Map<String, ReadinessReport> reports = EngineSideAcks.awaitSignedReadinessReports(
                KAFKA.bootstrapServers(), NAMES, KEYS, Set.of("orders", "billing"));

        ReadinessReport orders = reports.get("orders");
        assertThat(orders.actuator()).isEqualTo(Actuator.DNS);
        assertThat(orders.checks()).extracting(ReadinessCheck::region).containsOnly("eu10", "us10");
        assertThat(orders.checks())
                .extracting(ReadinessCheck::action)
                .containsOnly(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);
        assertThat(orders.checks())
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));

        List<ReadinessCheck> billingZone = reports.get("billing").checks().stream()
                .filter(c -> c.check().equals("hosted-zone"))
                .toList();
        assertThat(billingZone).hasSize(2).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(c.reason()).contains("NoSuchHostedZone", "hosted-zone-id");
        });
    }

    private static BusKeyring keyring() {
        try {
            return new BusKeyring(Files.createTempDirectory("dns-actuator-readiness-keys"), "it-env", List.of());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
