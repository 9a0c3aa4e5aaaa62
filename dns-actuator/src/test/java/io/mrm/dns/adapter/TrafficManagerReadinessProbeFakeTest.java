package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import com.azure.core.http.HttpClient;
import com.azure.core.http.HttpHeaders;
import com.azure.core.http.HttpPipeline;
import com.azure.core.http.HttpPipelineBuilder;
import com.azure.core.http.policy.AddHeadersPolicy;
import com.azure.core.http.policy.FixedDelay;
import com.azure.core.http.policy.RetryPolicy;
import com.azure.core.management.AzureEnvironment;
import com.azure.core.management.profile.AzureProfile;
import com.azure.resourcemanager.trafficmanager.TrafficManager;
import com.azure.resourcemanager.trafficmanager.fluent.ProfilesClient;
import io.mrm.dns.adapter.TrafficManagerDnsRouter.Mode;
import io.mrm.dns.adapter.TrafficManagerDnsRouter.Profile;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsReadinessChecker;
import io.mrm.dns.domain.Pacing;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.readiness.Rehearsal;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Traffic Manager readiness with the real Azure SDK against {@link TrafficManagerArmFake}: a readable
 * profile, an endpoint whose probe fails, and the ARM answers 401, 403, 404 and 429. Nothing is written.
 * A drill's route (a rehearsal) runs the same checks through the command handler and writes nothing either.
 */
class TrafficManagerReadinessProbeFakeTest {

    static final String SUB = "00000000-0000-0000-0000-0000000000c1";
    static final String RG = "rg-dns";

    final TrafficManagerArmFake fake;
    final DnsReadinessChecker checker;
    final DnsCommandHandler handler;

    TrafficManagerReadinessProbeFakeTest() throws Exception {
        fake = new TrafficManagerArmFake();
        fake.createProfile(SUB, RG, "orders-tm", "Priority", new Object[] {"eu10", "Enabled", 1}, new Object[] {
            "us10", "Enabled", 2
        });
        fake.createProfile(
                SUB, RG, "billing-tm", "Priority", new Object[] {"billing-eu10", "Enabled", 1}, new Object[] {
                    "billing-us10", "Disabled", 2
                });
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(HttpClient.createDefault())
                .policies(
                        new AddHeadersPolicy(new HttpHeaders().set("Authorization", "Bearer fake-token")),
                        new RetryPolicy(new FixedDelay(0, Duration.ofMillis(1))))
                .build();
        AzureEnvironment local = new AzureEnvironment(Map.of("resourceManagerEndpointUrl", fake.endpoint()));
        ProfilesClient client = TrafficManager.authenticate(
                        pipeline, new AzureProfile("00000000-0000-0000-0000-0000000000c2", SUB, local))
                .serviceClient()
                .getProfiles();
        Map<String, Profile> profiles = Map.of(
                "orders", new Profile(RG, "orders-tm", Mode.PRIORITY, Map.of("eu10", "eu10", "us10", "us10"), null),
                "billing",
                        new Profile(
                                RG,
                                "billing-tm",
                                Mode.ENABLE_DISABLE,
                                Map.of("eu10", "billing-eu10", "us10", "billing-us10"),
                                null),
                "lost", new Profile(RG, "no-such-profile", Mode.PRIORITY, Map.of("eu10", "a", "us10", "b"), null));
        TrafficManagerDnsRouter router = new TrafficManagerDnsRouter(client, profiles);
        checker =
                new DnsReadinessChecker(new TrafficManagerReadinessProbe(client, profiles), router, Clock.systemUTC());
        // the bound is for a saturated machine, not an expectation
        handler = new DnsCommandHandler(
                router,
                Clock.systemUTC(),
                Pacing.ONCE,
                new Rehearsal(checker, Clock.systemUTC(), Duration.ofSeconds(60), Duration.ZERO));
    }

    private static DnsRouteCommand rehearsedRoute(String app, String region) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                "drill-" + app, app, now, 1, new StepRef("d-drill", 6, 4, 1, now.plusSeconds(120), true), region);
    }

    @Test
    void aRehearsedRouteSaysWhatItWouldDoAndWritesNothing() {
        CommandAck ack = handler.handle(rehearsedRoute("orders", "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.detail()).startsWith("would route orders from eu10 to us10 and write fencing token 6");
        assertThat(ack.observed())
                .containsEntry("rehearsal", "true")
                .containsEntry("check.endpoint-health", "READY")
                .containsKey("ms.profile");
        assertThat(fake.calls("PUT") + fake.calls("PATCH"))
                .as("a rehearsal writes nothing")
                .isZero();
    }

    @Test
    void aRehearsedRouteToADegradedEndpointIsFatalWithTheChecksReason() {
        fake.health("us10", false);

        CommandAck ack = handler.handle(rehearsedRoute("orders", "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.NOT_READY);
        assertThat(ack.detail()).contains("endpoint-health", "Degraded");
        assertThat(fake.calls("PUT") + fake.calls("PATCH")).isZero();
    }

    @AfterEach
    void close() {
        fake.close();
    }

    private List<ReadinessCheck> route(String app, String region) {
        return checker.check(app).stream()
                .filter(c -> c.region().equals(region) && c.action() == StepAction.DNS_ROUTE)
                .toList();
    }

    @Test
    void aReadableProfileWithHealthyEndpointsIsReady() {
        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checks).extracting(ReadinessCheck::region).containsOnly("eu10", "us10");
        assertThat(checks)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        assertThat(route("orders", "us10"))
                .extracting(ReadinessCheck::check)
                .containsExactly("profile", "endpoint", "endpoint-health");
        assertThat(fake.calls("PUT") + fake.calls("PATCH"))
                .as("a check writes nothing")
                .isZero();
    }

    @Test
    void aDegradedTargetEndpointIsNotReady() {
        fake.health("us10", false);

        assertThat(route("orders", "us10"))
                .filteredOn(c -> c.check().equals("endpoint-health"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("us10", "Degraded");
                });
        assertThat(route("orders", "eu10"))
                .allSatisfy(c -> assertThat(c.status()).isEqualTo(ReadinessStatus.READY));
    }

    @Test
    void aDisabledStandbyEndpointIsReadyButSaysItsHealthIsNotKnown() {
        assertThat(route("billing", "us10"))
                .filteredOn(c -> c.check().equals("endpoint-health"))
                .singleElement()
                .satisfies(c -> {
                    assertThat(c.status()).isEqualTo(ReadinessStatus.READY);
                    assertThat(c.reason()).contains("not probed");
                });
    }

    @Test
    void aProfileThatDoesNotExistIsNotReady() {
        assertThat(route("lost", "eu10")).singleElement().satisfies(c -> {
            assertThat(c.check()).isEqualTo("profile");
            assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(c.reason()).contains("ResourceNotFound", "no-such-profile", "resource-group");
        });
    }

    @Test
    void aRefusedTokenIsNotReady() {
        fake.acceptOnly(token -> false);

        assertThat(checker.check("orders"))
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.NOT_READY));
        assertThat(route("orders", "us10"))
                .singleElement()
                .satisfies(c -> assertThat(c.reason())
                        .contains("InvalidAuthenticationToken", "refused the credential's token"));
    }

    @Test
    void aForbiddenProfileIsNotReadyAndNamesTheRole() {
        // one GET for the verify step's read, one per region for the route checks
        fake.failNext("GET", 3, 403, "AuthorizationFailed");

        List<ReadinessCheck> checks = checker.check("orders");

        assertThat(checks).hasSize(4).allSatisfy(c -> {
            assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(c.reason()).contains("AuthorizationFailed");
        });
        assertThat(checks)
                .filteredOn(c -> c.action() == StepAction.DNS_ROUTE)
                .allSatisfy(c -> assertThat(c.reason()).contains("Traffic Manager Contributor"));
    }

    @Test
    void aServerErrorIsUnknown() {
        fake.failNext("GET", 3, 503, "ServiceUnavailable");

        assertThat(checker.check("orders"))
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.UNKNOWN));
    }

    /** An ARM endpoint that accepts connections and never answers: the client's own response timeout ends each call. */
    @Test
    void anArmThatNeverAnswersIsUnknown() throws Exception {
        try (java.net.ServerSocket silent =
                new java.net.ServerSocket(0, 50, java.net.InetAddress.getLoopbackAddress())) {
            HttpPipeline pipeline = new HttpPipelineBuilder()
                    .httpClient(HttpClient.createDefault(new com.azure.core.util.HttpClientOptions()
                            .setResponseTimeout(Duration.ofMillis(500))
                            .setReadTimeout(Duration.ofMillis(500))))
                    .policies(new AddHeadersPolicy(new HttpHeaders().set("Authorization", "Bearer fake-token")))
                    .build();
            AzureEnvironment silentArm = new AzureEnvironment(
                    Map.of("resourceManagerEndpointUrl", "http://127.0.0.1:" + silent.getLocalPort() + "/"));
            ProfilesClient client = TrafficManager.authenticate(
                            pipeline, new AzureProfile("00000000-0000-0000-0000-0000000000c2", SUB, silentArm))
                    .serviceClient()
                    .getProfiles();
            Map<String, Profile> profiles = Map.of(
                    "orders",
                    new Profile(RG, "orders-tm", Mode.PRIORITY, Map.of("eu10", "eu10", "us10", "us10"), null));
            DnsReadinessChecker unanswered = new DnsReadinessChecker(
                    new TrafficManagerReadinessProbe(client, profiles),
                    new TrafficManagerDnsRouter(client, profiles),
                    Clock.systemUTC());

            assertThat(unanswered.check("orders")).hasSize(4).allSatisfy(c -> {
                assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.UNKNOWN);
                assertThat(c.reason()).contains("TIMEOUT");
            });
        }
    }

    @Test
    void throttlingIsUnknown() {
        fake.throttle("GET", 3, 0);

        assertThat(checker.check("orders"))
                .hasSize(4)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.UNKNOWN));
    }
}
