package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.Route53ApiFake.Op;
import io.mrm.dns.adapter.Route53ApiFake.Rrset;
import io.mrm.dns.adapter.Route53DnsRouter.Mode;
import io.mrm.dns.adapter.Route53DnsRouter.Target;
import io.mrm.dns.adapter.Route53DnsRouter.Zone;
import io.mrm.dns.domain.DnsReadinessChecker;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * Route 53 readiness with the real AWS SDK client against {@link Route53ApiFake}: what a healthy zone reads
 * as, and how the AWS error codes read to an operator. Nothing is ever written.
 */
class Route53ReadinessProbeFakeTest {

    static final String ZONE = "Z0FAKE0000000007";
    static final String EU = "orders-eu10.example.net";
    static final String US = "orders-us10.example.net";

    final Route53ApiFake fake;
    final Route53Client client;
    final Map<String, Zone> zones = Map.of(
            "orders",
            new Zone(
                    ZONE,
                    "orders.example.com",
                    RRType.CNAME,
                    Mode.SIMPLE,
                    Map.of("eu10", new Target(EU, null, false, "eu10"), "us10", new Target(US, null, false, "us10")),
                    null),
            "lost",
            new Zone(
                    "Z0NOSUCHZONE0007",
                    "lost.example.com",
                    RRType.CNAME,
                    Mode.SIMPLE,
                    Map.of("eu10", new Target(EU, null, false, "eu10"), "us10", new Target(US, null, false, "us10")),
                    null));
    final DnsReadinessChecker checker;

    Route53ReadinessProbeFakeTest() throws Exception {
        fake = new Route53ApiFake();
        fake.createZone(ZONE, "example.com", Rrset.of("orders.example.com", "CNAME", 300, EU));
        client = Route53Client.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(30))
                        .retryStrategy(r -> r.maxAttempts(1).backoffStrategy(BackoffStrategy.retryImmediately())))
                .build();
        Route53DnsRouter router = new Route53DnsRouter(
                client, zones, new Route53DnsRouter.Settings(Duration.ofSeconds(60)), Clock.systemUTC());
        checker = new DnsReadinessChecker(new Route53ReadinessProbe(client, zones, router), router, Clock.systemUTC());
    }

    @AfterEach
    void close() {
        client.close();
        fake.close();
    }

    @Test
    void aReadableZoneIsReadyTowardsBothRegionsAndNothingIsWritten() {
        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checker.regions("orders")).containsExactly("eu10", "us10");
        assertThat(checks).extracting(ReadinessCheck::region).containsOnly("eu10", "us10");
        assertThat(checks)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        assertThat(checks)
                .filteredOn(c -> c.region().equals("us10") && c.action() == StepAction.DNS_ROUTE)
                .extracting(ReadinessCheck::check)
                .containsExactly("hosted-zone", "record-set", "target");
        assertThat(checks)
                .filteredOn(c -> c.check().equals("record-set"))
                .allSatisfy(c -> assertThat(c.reason()).contains("routed to eu10"));
        assertThat(fake.calls(Op.GET_HOSTED_ZONE)).isEqualTo(2);
        assertThat(fake.calls(Op.CHANGE)).as("a check writes nothing").isZero();
    }

    @Test
    void accessDeniedIsNotReadyAndSaysWhichPermissionIsMissing() {
        fake.failNext(
                Op.GET_HOSTED_ZONE,
                2,
                403,
                "AccessDenied",
                "User: arn:aws:iam::123456789012:user/mrm is not authorized to perform: route53:GetHostedZone on"
                        + " resource: arn:aws:route53:::hostedzone/" + ZONE);

        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checks)
                .filteredOn(c -> c.check().equals("hosted-zone"))
                .hasSize(2)
                .allSatisfy(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("AccessDenied", "route53:GetHostedZone", ZONE);
                });
    }

    @Test
    void anExpiredTokenIsNotReadyEverywhereAndSaysToRefreshTheCredential() {
        fake.failEveryRequest(403, "ExpiredToken", "The security token included in the request is expired");

        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checks)
                .as("the route checks of both regions and the verify step's resolver")
                .filteredOn(c -> !c.check().equals("target"))
                .hasSize(6)
                .allSatisfy(c -> {
                    assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("ExpiredToken");
                });
        assertThat(checks)
                .filteredOn(c -> c.check().equals("hosted-zone"))
                .allSatisfy(c -> assertThat(c.reason()).contains("refresh the temporary credentials"));
    }

    @Test
    void anUnknownAccessKeyIsNotReady() {
        fake.failEveryRequest(403, "InvalidClientTokenId", "The security token included in the request is invalid.");

        assertThat(checker.check("orders"))
                .filteredOn(c -> c.check().equals("hosted-zone"))
                .allSatisfy(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("InvalidClientTokenId", "does not know the access key id");
                });
    }

    @Test
    void aMissingHostedZoneIsNotReadyAndNamesTheSetting() {
        assertThat(checker.check("lost"))
                .filteredOn(c -> c.check().equals("hosted-zone"))
                .hasSize(2)
                .allSatisfy(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("NoSuchHostedZone", "hosted-zone-id", "Z0NOSUCHZONE0007");
                });
    }

    @Test
    void aServiceErrorIsUnknown() {
        fake.failNext(Op.GET_HOSTED_ZONE, 2, 503, "ServiceUnavailable", "Service Unavailable");

        assertThat(checker.check("orders"))
                .filteredOn(c -> c.check().equals("hosted-zone"))
                .hasSize(2)
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN));
    }

    @Test
    void throttlingIsUnknownNotNotReady() {
        fake.failNext(Op.GET_HOSTED_ZONE, 2, 400, "Throttling", "Rate exceeded");

        assertThat(checker.check("orders"))
                .filteredOn(c -> c.check().equals("hosted-zone"))
                .hasSize(2)
                .allSatisfy(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
                    assertThat(c.reason()).contains("Throttling", "could not tell");
                });
    }
}
