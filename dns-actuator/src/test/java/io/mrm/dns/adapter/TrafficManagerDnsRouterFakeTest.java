package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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
import com.azure.resourcemanager.trafficmanager.fluent.models.EndpointInner;
import com.azure.resourcemanager.trafficmanager.models.EndpointMonitorStatus;
import com.azure.resourcemanager.trafficmanager.models.EndpointStatus;
import com.azure.resourcemanager.trafficmanager.models.EndpointTypes;
import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.dns.adapter.TrafficManagerDnsRouter.Mode;
import io.mrm.dns.adapter.TrafficManagerDnsRouter.Profile;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsState;
import io.mrm.dns.domain.Pacing;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The real Azure Traffic Manager SDK against {@link TrafficManagerArmFake}, driven through
 * {@link DnsCommandHandler} (command in, ack out). Plain http needs a hand-built pipeline (a token
 * credential insists on https) and an {@link AzureEnvironment} whose resource manager is the fake.
 */
class TrafficManagerDnsRouterFakeTest {

    static final String SUB = "00000000-0000-0000-0000-0000000000a1";
    static final String RG = "rg-dns";
    static final String ACTUATOR_HEADER = "x-test-actuator";

    final TrafficManagerArmFake fake;

    TrafficManagerDnsRouterFakeTest() throws Exception {
        fake = new TrafficManagerArmFake();
    }

    @BeforeEach
    void profiles() {
        fake.createProfile(
                SUB,
                RG,
                "orders-tm",
                "Priority",
                new Object[] {"eu10", "Enabled", 1},
                new Object[] {"us10", "Enabled", 2},
                new Object[] {"maintenance", "Enabled", 3});
        fake.createProfile(
                SUB, RG, "billing-tm", "Priority", new Object[] {"billing-eu10", "Enabled", 1}, new Object[] {
                    "billing-us10", "Disabled", 2
                });
        fake.createProfile(
                SUB, RG, "payments-tm", "Priority", new Object[] {"payments-eu10", "Enabled", 1}, new Object[] {
                    "payments-us10", "Disabled", 2
                });
    }

    @AfterEach
    void close() {
        fake.close();
    }

    TrafficManager manager(String actuator, int maxRetries) {
        HttpPipeline pipeline = new HttpPipelineBuilder()
                .httpClient(HttpClient.createDefault())
                .policies(
                        new AddHeadersPolicy(new HttpHeaders()
                                .set("Authorization", "Bearer fake-token")
                                .set(ACTUATOR_HEADER, actuator)),
                        new RetryPolicy(new FixedDelay(maxRetries, Duration.ofMillis(1))))
                .build();
        AzureEnvironment local = new AzureEnvironment(Map.of("resourceManagerEndpointUrl", fake.endpoint()));
        return TrafficManager.authenticate(
                pipeline, new AzureProfile("00000000-0000-0000-0000-0000000000b2", SUB, local));
    }

    TrafficManagerDnsRouter router(String actuator, int maxRetries) {
        return new TrafficManagerDnsRouter(
                manager(actuator, maxRetries).serviceClient().getProfiles(),
                Map.of(
                        "orders",
                                new Profile(
                                        RG,
                                        "orders-tm",
                                        Mode.PRIORITY,
                                        Map.of("eu10", "eu10", "us10", "us10"),
                                        Duration.ofSeconds(60)),
                        "billing",
                                new Profile(
                                        RG,
                                        "billing-tm",
                                        Mode.ENABLE_DISABLE,
                                        Map.of("eu10", "billing-eu10", "us10", "billing-us10"),
                                        null),
                        "payments",
                                new Profile(
                                        RG,
                                        "payments-tm",
                                        Mode.PRIORITY,
                                        Map.of("eu10", "payments-eu10", "us10", "payments-us10"),
                                        null),
                        "lost",
                                new Profile(
                                        RG, "no-such-profile", Mode.PRIORITY, Map.of("eu10", "a", "us10", "b"), null)));
    }

    static DnsCommandHandler handler(TrafficManagerDnsRouter router) {
        return new DnsCommandHandler(router, Clock.systemUTC());
    }

    static DnsRouteCommand route(String app, long epoch, String region) {
        Instant now = Instant.now();
        return new DnsRouteCommand(
                "c-" + app + "-" + epoch + "-" + region,
                app,
                now,
                1,
                new StepRef("d-" + epoch, epoch, 0, 1, now.plusSeconds(60)),
                region);
    }

    static DnsVerifyCommand verify(String app, long epoch, String region) {
        Instant now = Instant.now();
        return new DnsVerifyCommand(
                "v-" + app + "-" + epoch,
                app,
                now,
                1,
                new StepRef("d-" + epoch, epoch, 1, 1, now.plusSeconds(60)),
                region);
    }

    JsonNode endpoint(String profile, String name) {
        for (JsonNode e : fake.profile(SUB, RG, profile).get("properties").get("endpoints")) {
            if (e.get("name").asText().equals(name)) {
                return e.get("properties");
            }
        }
        throw new AssertionError("no endpoint " + name);
    }

    String epochTag(String profile) {
        return fake.profile(SUB, RG, profile)
                .path("tags")
                .path(TrafficManagerDnsRouter.EPOCH_TAG)
                .asText(null);
    }

    @Test
    void priorityModeMovesTheTargetToPriorityOneAndTagsTheEpochInOneWrite() {
        CommandAck ack = handler(router("a", 0)).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed())
                .containsEntry("region", "us10")
                .containsEntry("fencingEpoch", "1")
                .containsEntry("changed", "true")
                .containsEntry("monitorStatus.us10", "Online")
                .containsEntry("monitorStatus.eu10", "Online")
                .containsEntry("profileMonitorStatus", "Online");
        assertThat(endpoint("orders-tm", "us10").get("priority").asLong()).isEqualTo(1);
        assertThat(endpoint("orders-tm", "eu10").get("priority").asLong()).isEqualTo(2);
        assertThat(endpoint("orders-tm", "maintenance").get("priority").asLong())
                .isEqualTo(3);
        assertThat(epochTag("orders-tm")).isEqualTo("1");
        JsonNode profile = fake.profile(SUB, RG, "orders-tm");
        assertThat(profile.path("tags").path("owner").asText()).isEqualTo("platform-team");
        assertThat(profile.path("properties").path("dnsConfig").path("ttl").asLong())
                .isEqualTo(60);
        // one profile write: routing and token together; no per-endpoint calls
        assertThat(fake.writeLog()).containsExactly("1:eu10=Enabled/2,us10=Enabled/1,maintenance=Enabled/3,");
        assertThat(fake.calls("PATCH")).isZero();
    }

    /**
     * The target endpoint was disabled: enabling it makes it CheckingEndpoint until its first probe, so a
     * handler that reads once acknowledges CHANGE_PENDING; once probed, the re-delivered command succeeds
     * and writes nothing.
     */
    @Test
    void enableDisableModeEnablesOnlyTheTargetAndIsPendingUntilItsFirstProbe() throws Exception {
        TrafficManagerDnsRouter router = router("a", 0);
        assertThat(router.current("billing").region()).isEqualTo("eu10");

        CommandAck ack = handler(router).handle(route("billing", 7, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
        assertThat(ack.observed())
                .containsEntry("region", "us10")
                .containsEntry("monitorStatus.us10", "CheckingEndpoint")
                .containsEntry("monitorStatus.eu10", "Disabled")
                .containsEntry("profileMonitorStatus", "CheckingEndpoints")
                .containsEntry("pendingChange", "first health probe of endpoint billing-us10");
        assertThat(endpoint("billing-tm", "billing-us10").get("endpointStatus").asText())
                .isEqualTo("Enabled");
        assertThat(endpoint("billing-tm", "billing-eu10").get("endpointStatus").asText())
                .isEqualTo("Disabled");
        assertThat(epochTag("billing-tm")).isEqualTo("7");

        fake.probe();
        CommandAck again = handler(router).handle(route("billing", 7, "us10"));

        assertThat(again.outcome()).as(again.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed())
                .containsEntry("monitorStatus.us10", "Online")
                .containsEntry("changed", "false");
        assertThat(fake.calls("PUT")).isEqualTo(1);
    }

    /**
     * The fake's endpoint operations ("Endpoints - Update", "Endpoints - Create Or Update", "Endpoints - Get")
     * move the monitor status as the profile's do: enabled or added means CheckingEndpoint until probed.
     */
    @Test
    void anEndpointEnabledOrAddedThroughTheEndpointsApiIsCheckingEndpointUntilProbed() {
        var endpoints = manager("operator", 0).serviceClient().getEndpoints();

        EndpointInner enabled = endpoints.update(
                RG,
                "billing-tm",
                EndpointTypes.EXTERNAL_ENDPOINTS,
                "billing-us10",
                new EndpointInner().withEndpointStatus(EndpointStatus.ENABLED));
        EndpointInner added = endpoints.createOrUpdate(
                RG,
                "billing-tm",
                EndpointTypes.EXTERNAL_ENDPOINTS,
                "billing-ap10",
                new EndpointInner()
                        .withTarget("billing-ap10.example.net")
                        .withEndpointStatus(EndpointStatus.ENABLED)
                        .withPriority(3L));

        assertThat(enabled.endpointMonitorStatus()).isEqualTo(EndpointMonitorStatus.CHECKING_ENDPOINT);
        assertThat(added.endpointMonitorStatus()).isEqualTo(EndpointMonitorStatus.CHECKING_ENDPOINT);
        assertThat(endpoints
                        .get(RG, "billing-tm", EndpointTypes.EXTERNAL_ENDPOINTS, "billing-eu10")
                        .endpointMonitorStatus())
                .as("enabled before: still probed")
                .isEqualTo(EndpointMonitorStatus.ONLINE);
        fake.health("billing-ap10", false);
        fake.probe();
        assertThat(endpoints
                        .get(RG, "billing-tm", EndpointTypes.EXTERNAL_ENDPOINTS, "billing-us10")
                        .endpointMonitorStatus())
                .isEqualTo(EndpointMonitorStatus.ONLINE);
        assertThat(endpoints
                        .get(RG, "billing-tm", EndpointTypes.EXTERNAL_ENDPOINTS, "billing-ap10")
                        .endpointMonitorStatus())
                .isEqualTo(EndpointMonitorStatus.DEGRADED);
        assertThat(fake.profile(SUB, RG, "billing-tm")
                        .path("properties")
                        .path("monitorConfig")
                        .path("profileMonitorStatus")
                        .asText())
                .isEqualTo("Degraded");
    }

    /** A handler that waits (its pause is a probing round here) acknowledges the switch once probed. */
    @Test
    void aRouteWaitsForTheFirstProbeOfANewlyEnabledTargetWithinItsDeadline() {
        AtomicInteger rounds = new AtomicInteger();
        DnsCommandHandler waiting = new DnsCommandHandler(
                router("a", 0), Clock.systemUTC(), new Pacing(Duration.ofSeconds(1), Duration.ZERO, false, length -> {
                    rounds.incrementAndGet();
                    fake.probe();
                }));

        CommandAck ack = waiting.handle(route("payments", 3, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).containsEntry("region", "us10").containsEntry("monitorStatus.us10", "Online");
        assertThat(rounds.get())
                .as("it waited for the probe instead of taking CheckingEndpoint as done")
                .isEqualTo(1);
    }

    /**
     * While the new priority-1 endpoint is CheckingEndpoint, Traffic Manager answers with it, but its first
     * probe may find it Degraded, and then clients get the old region again: verify does not succeed
     * before that first result, and fails when it is Degraded.
     */
    @Test
    void verifyDoesNotSucceedWhileTheTargetIsCheckingEndpointNorWhenItsFirstProbeFindsItDegraded() {
        DnsCommandHandler handler = handler(router("a", 0));
        handler.handle(route("payments", 3, "us10"));

        CommandAck checking = handler.handle(verify("payments", 3, "us10"));
        assertThat(checking.outcome()).as(checking.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(checking.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
        assertThat(checking.observed()).containsEntry("monitorStatus.us10", "CheckingEndpoint");

        fake.health("payments-us10", false);
        fake.probe();
        CommandAck degraded = handler.handle(verify("payments", 3, "us10"));
        assertThat(degraded.outcome()).as(degraded.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(degraded.errorCode()).isEqualTo("NOT_YET_VISIBLE");
        assertThat(degraded.observed()).containsEntry("monitorStatus.us10", "Degraded");

        fake.health("payments-us10", true);
        CommandAck online = handler.handle(verify("payments", 3, "us10"));
        assertThat(online.outcome()).as(online.detail()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    @Test
    void aReDeliveredCommandWritesNothing() {
        DnsCommandHandler handler = handler(router("a", 0));
        handler.handle(route("orders", 1, "us10"));
        CommandAck again = handler.handle(route("orders", 1, "us10"));

        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(fake.calls("PUT")).isEqualTo(1);
    }

    /**
     * Finding 9: the target endpoint has priority 1 but is Degraded, so Traffic Manager answers with the
     * next one, the old region. Verify reports that as not yet switched, and succeeds once the target is
     * Online again. Before, it read the priorities and succeeded.
     */
    @Test
    void verifyFailsWhileTrafficManagerStillAnswersWithTheOldRegion() {
        fake.health("us10", false);
        DnsCommandHandler handler = handler(router("a", 0));
        CommandAck routed = handler.handle(route("orders", 1, "us10"));
        CommandAck verified = handler.handle(verify("orders", 1, "us10"));

        assertThat(routed.observed())
                .containsEntry("monitorStatus.us10", "Degraded")
                .containsEntry("monitorStatus.eu10", "Online");
        assertThat(verified.outcome()).as(verified.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(verified.detail()).contains("eu10");
        assertThat(verified.observed()).containsEntry("monitorStatus.us10", "Degraded");
        fake.health("us10", true);
        CommandAck online = handler.handle(verify("orders", 1, "us10"));
        assertThat(online.outcome()).as(online.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(online.observed()).containsEntry("monitorStatus.us10", "Online");
    }

    /** Traffic Manager's documented fallback: with every enabled endpoint Degraded, all count as healthy. */
    @Test
    void withEveryEndpointDegradedTrafficManagerAnswersByPriorityAsIfAllWereHealthy() {
        fake.health("eu10", false);
        fake.health("us10", false);
        fake.health("maintenance", false);
        DnsCommandHandler handler = handler(router("a", 0));
        handler.handle(route("orders", 1, "us10"));

        CommandAck verified = handler.handle(verify("orders", 1, "us10"));

        assertThat(verified.outcome()).as(verified.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(verified.observed()).containsEntry("profileMonitorStatus", "Degraded");
    }

    @Test
    void aDisabledProfileAnswersNoRegion() throws Exception {
        handler(router("a", 0)).handle(route("orders", 1, "us10"));
        var profiles = manager("operator", 0).serviceClient().getProfiles();
        profiles.update(
                RG,
                "orders-tm",
                new com.azure.resourcemanager.trafficmanager.fluent.models.ProfileInner()
                        .withProfileStatus(com.azure.resourcemanager.trafficmanager.models.ProfileStatus.DISABLED));

        CommandAck verified = handler(router("a", 0)).handle(verify("orders", 1, "us10"));

        assertThat(verified.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(verified.detail()).contains("NXDOMAIN (profile disabled)");
        assertThat(verified.observed()).containsEntry("monitorStatus.us10", "Inactive");
    }

    @ParameterizedTest
    @CsvSource({
        "GET,429,TooManyRequests",
        "PUT,429,TooManyRequests",
        "GET,500,InternalServerError",
        "PUT,503,ServiceUnavailable",
        "PUT,409,AnotherOperationInProgress"
    })
    void throttlingConflictsAnd5xxAreRetriableAndALaterAttemptSucceeds(String method, int status, String code) {
        fake.failNext(method, 1, status, code);
        DnsCommandHandler handler = handler(router("a", 0));

        CommandAck failed = handler.handle(route("orders", 1, "us10"));
        CommandAck retried = handler.handle(route("orders", 1, "us10"));

        assertThat(failed.outcome()).as(failed.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(failed.errorCode()).isEqualTo(code);
        assertThat(retried.outcome()).as(retried.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(endpoint("orders-tm", "us10").get("priority").asLong()).isEqualTo(1);
    }

    @Test
    void thePipelineRetriesAbsorbAThrottleWithinOneCommand() {
        fake.failNext("PUT", 1, 429, "TooManyRequests");
        CommandAck ack = handler(router("a", 2)).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.calls("PUT")).isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({
        "GET,401,AuthenticationFailed",
        "GET,403,AuthorizationFailed",
        "PUT,403,AuthorizationFailed",
        "PUT,400,BadRequest"
    })
    void authAndBadRequestsAreFatal(String method, int status, String code) {
        fake.failNext(method, 1, status, code);
        CommandAck ack = handler(router("a", 0)).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(code);
    }

    @Test
    void aMissingProfileIsFatal() {
        CommandAck ack = handler(router("a", 0)).handle(route("lost", 1, "us10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("ResourceNotFound");
    }

    @Test
    void aChangeMadeByHandAfterTheReadFencesTheSwitch() throws Exception {
        TrafficManagerDnsRouter router = router("a", 0);
        DnsState read = router.current("orders");
        // an operator swaps the priorities with the SDK's endpoint PATCH calls
        var endpoints = manager("operator", 0).serviceClient().getEndpoints();
        endpoints.update(
                RG, "orders-tm", EndpointTypes.EXTERNAL_ENDPOINTS, "eu10", new EndpointInner().withPriority(5L));
        endpoints.update(
                RG, "orders-tm", EndpointTypes.EXTERNAL_ENDPOINTS, "us10", new EndpointInner().withPriority(1L));

        assertThatThrownBy(() -> router.routeTo("orders", "eu10", 3, read)).isInstanceOf(DnsFencedException.class);
        assertThat(router.current("orders").region()).isEqualTo("us10");
        assertThat(fake.calls("PUT")).isZero();
    }

    @Test
    void aStaleActuatorThatNeverSawTheNewerEpochIsRefusedByTheProfileTag() {
        handler(router("newer", 0)).handle(route("orders", 5, "us10"));
        CommandAck refused = handler(router("stale", 0)).handle(route("orders", 4, "eu10"));

        assertThat(refused.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(refused.errorCode()).isEqualTo("FENCED_BY_NEWER_EPOCH");
        assertThat(refused.fenceEpoch()).as("the profile tag that refused it").isEqualTo(5L);
        assertThat(endpoint("orders-tm", "us10").get("priority").asLong()).isEqualTo(1);
        assertThat(fake.calls("PUT")).isEqualTo(1);
    }

    @Test
    void aNewerWriteBetweenTheStaleReadAndItsPreWriteCheckStopsTheStaleWrite() throws Exception {
        // the stale actuator's second GET (the check right before its PUT) waits until the newer one is done
        CountDownLatch newerDone = new CountDownLatch(1);
        AtomicInteger staleGets = new AtomicInteger();
        fake.intercept((method, headers) -> {
            if ("stale".equals(headers.getFirst(ACTUATOR_HEADER))
                    && method.equals("GET")
                    && staleGets.incrementAndGet() == 2) {
                await(newerDone);
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            DnsCommandHandler stale = handler(router("stale", 0));
            Future<CommandAck> staleAck = pool.submit(() -> stale.handle(route("orders", 4, "eu10")));
            awaitTrue(() -> staleGets.get() >= 2);
            CommandAck newer = handler(router("newer", 0)).handle(route("orders", 5, "us10"));
            newerDone.countDown();

            CommandAck lost = staleAck.get(30, TimeUnit.SECONDS);
            assertThat(newer.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(lost.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(lost.errorCode()).isEqualTo(DnsFencedException.CODE);
            assertThat(fake.writeLog()).hasSize(1).allMatch(w -> w.startsWith("5:"));
            fake.intercept((m, h) -> {});
            assertThat(stale.handle(route("orders", 4, "eu10")).outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void aStaleWriteLandingBeforeTheNewerReadBackMakesTheNewerRetryAndWin() throws Exception {
        // both pass their pre-write check at epoch 0; the newer PUT lands, then the stale PUT, then the
        // newer read-back runs
        CountDownLatch newerWrote = new CountDownLatch(1);
        CountDownLatch staleWrote = new CountDownLatch(1);
        AtomicInteger staleGets = new AtomicInteger();
        AtomicInteger newerGets = new AtomicInteger();
        fake.intercept((method, headers) -> {
            String who = headers.getFirst(ACTUATOR_HEADER);
            if ("stale".equals(who) && method.equals("PUT")) {
                await(newerWrote);
            } else if ("stale".equals(who) && method.equals("GET") && staleGets.incrementAndGet() == 3) {
                staleWrote.countDown(); // the stale read-back: its PUT is in
            } else if ("newer".equals(who) && method.equals("GET") && newerGets.incrementAndGet() == 4) {
                // the newer read-back (a move also reads the answers, before its pre-write check): its PUT is
                // in; let the stale PUT land first
                newerWrote.countDown();
                await(staleWrote);
            }
        });
        ExecutorService pool = Executors.newFixedThreadPool(2);
        try {
            DnsCommandHandler stale = handler(router("stale", 0));
            DnsCommandHandler newerActuator = handler(router("newer", 0));
            Future<CommandAck> staleAck = pool.submit(() -> stale.handle(route("orders", 4, "eu10")));
            awaitTrue(() -> fake.calls("PUT") >= 1); // the stale PUT is held
            Future<CommandAck> newerAck = pool.submit(() -> newerActuator.handle(route("orders", 5, "us10")));
            CommandAck newer = newerAck.get(30, TimeUnit.SECONDS);
            staleAck.get(30, TimeUnit.SECONDS);
            fake.intercept((m, h) -> {});

            assertThat(fake.writeLog()).extracting(w -> w.substring(0, 1)).containsExactly("5", "4");
            assertThat(newer.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(newer.errorCode()).isEqualTo(DnsFencedException.CODE);
            // the engine retries the newer command: it reads epoch 4 < 5 and switches again
            CommandAck retried = newerActuator.handle(route("orders", 5, "us10"));
            assertThat(retried.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(epochTag("orders-tm")).isEqualTo("5");
            assertThat(endpoint("orders-tm", "us10").get("priority").asLong()).isEqualTo(1);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * The limit of fencing without compare-and-set, shown: when the stale PUT is held until the newer
     * actuator has written and read back, it lands, and the newer actuator cannot know. The plan's
     * {@code DNS_VERIFY} step then sees the wrong region, so the overwrite is not silent.
     */
    @Test
    void aStaleWriteLandingAfterTheNewerReadBackIsNotPreventedButVerifySeesIt() throws Exception {
        CountDownLatch newerDone = new CountDownLatch(1);
        fake.intercept((method, headers) -> {
            if ("stale".equals(headers.getFirst(ACTUATOR_HEADER)) && method.equals("PUT")) {
                await(newerDone);
            }
        });
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            DnsCommandHandler stale = handler(router("stale", 0));
            DnsCommandHandler newerActuator = handler(router("newer", 0));
            Future<CommandAck> staleAck = pool.submit(() -> stale.handle(route("orders", 4, "eu10")));
            awaitTrue(() -> fake.calls("PUT") >= 1);
            CommandAck newer = newerActuator.handle(route("orders", 5, "us10"));
            newerDone.countDown();
            staleAck.get(30, TimeUnit.SECONDS);
            fake.intercept((m, h) -> {});

            assertThat(newer.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(epochTag("orders-tm")).isEqualTo("4");
            CommandAck verified = newerActuator.handle(verify("orders", 5, "us10"));
            assertThat(verified.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(verified.observed()).containsEntry("region", "eu10").containsEntry("fencingEpoch", "4");
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two actuators, one stale, race many times. Whatever the interleaving: every write carries routing
     * and token together (they never disagree), and when the stale epoch is what remains, the newer
     * actuator's verify reports it rather than succeeding. The fake holds each actuator's first read of a
     * round until the other's has arrived too (or a while has passed), and the test counts, from the order
     * the fake served the requests in, the rounds that really were races: both actuators read the profile
     * before either wrote it. Some must be, or the test proves nothing.
     */
    @Test
    void racingActuatorsNeverLeaveRoutingAndTokenApartNorAStaleWinUnnoticed() throws Exception {
        DnsCommandHandler staleActuator = handler(router("stale", 0));
        DnsCommandHandler newerActuator = handler(router("newer", 0));
        fake.tagRequestsWith(ACTUATOR_HEADER);
        ExecutorService pool = Executors.newFixedThreadPool(2);
        Pattern write = Pattern.compile("(\\d+):eu10=Enabled/(\\d+),us10=Enabled/(\\d+),");
        int rounds = 30;
        int staleLastCount = 0;
        int raced = 0;
        int bothWrote = 0;
        try {
            for (int i = 1; i <= rounds; i++) {
                long base = 10L * i;
                CyclicBarrier bothReading = new CyclicBarrier(2);
                Set<String> arrived = ConcurrentHashMap.newKeySet();
                fake.intercept((method, headers) -> {
                    String who = headers.getFirst(ACTUATOR_HEADER);
                    if (method.equals("GET") && ("stale".equals(who) || "newer".equals(who)) && arrived.add(who)) {
                        try {
                            bothReading.await(5, TimeUnit.SECONDS);
                        } catch (Exception e) {
                            // the other one is late: this round may not be a race, which the count shows
                        }
                    }
                });
                int servedBefore = fake.served().size();
                CyclicBarrier start = new CyclicBarrier(2);
                Future<CommandAck> staleAck = pool.submit(() -> {
                    start.await();
                    return staleActuator.handle(route("orders", base + 1, "eu10"));
                });
                Future<CommandAck> newerAck = pool.submit(() -> {
                    start.await();
                    return newerActuator.handle(route("orders", base + 2, "us10"));
                });
                CommandAck newer = newerAck.get(60, TimeUnit.SECONDS);
                staleAck.get(60, TimeUnit.SECONDS);
                fake.intercept((m, h) -> {});
                List<TrafficManagerArmFake.Served> round =
                        fake.served().subList(servedBefore, fake.served().size());
                if (bothReadBeforeAnyWrite(round)) {
                    raced++;
                }
                if (round.stream()
                                .filter(r -> r.method().equals("PUT"))
                                .map(TrafficManagerArmFake.Served::tag)
                                .distinct()
                                .count()
                        == 2) {
                    bothWrote++;
                }
                for (int attempt = 0; newer.outcome() == AckOutcome.FAILED_RETRIABLE && attempt < 3; attempt++) {
                    newer = newerActuator.handle(route("orders", base + 2, "us10"));
                }
                CommandAck verified = newerActuator.handle(verify("orders", base + 2, "us10"));
                DnsState end = router("check", 0).current("orders");
                if (end.epoch() != base + 2) {
                    staleLastCount++;
                    assertThat(verified.outcome())
                            .as("a stale win must not verify")
                            .isNotEqualTo(AckOutcome.SUCCEEDED);
                } else {
                    assertThat(end.region()).isEqualTo("us10");
                    assertThat(verified.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
                }
                // start the next race from the newer state
                if (end.epoch() != base + 2) {
                    newerActuator.handle(route("orders", base + 3, "us10"));
                }
            }
            for (String w : fake.writeLog()) {
                Matcher m = write.matcher(w.replace("maintenance=Enabled/3,", ""));
                assertThat(m.find()).as(w).isTrue();
                long epoch = Long.parseLong(m.group(1));
                String region = m.group(2).equals("1") ? "eu10" : "us10";
                // stale epochs (ending in 1) route to eu10, newer ones (2, 3) to us10
                assertThat(region).as("write %s", w).isEqualTo(epoch % 10 == 1 ? "eu10" : "us10");
            }
        } finally {
            pool.shutdownNow();
        }
        System.out.printf(
                "Traffic Manager race: %d/%d rounds raced (both read before either wrote), both wrote in %d,"
                        + " stale epoch remained (caught by verify) in %d, %d writes%n",
                raced, rounds, bothWrote, staleLastCount, fake.writeLog().size());
        assertThat(raced)
                .as("rounds in which both actuators read the profile before either wrote it")
                .isPositive();
    }

    /** Both actuators had a read served before the round's first write was. */
    private static boolean bothReadBeforeAnyWrite(List<TrafficManagerArmFake.Served> round) {
        Set<String> readers = new HashSet<>();
        for (TrafficManagerArmFake.Served r : round) {
            if (r.method().equals("PUT")) {
                break;
            }
            if (r.method().equals("GET") && r.status() == 200) {
                readers.add(r.tag());
            }
        }
        return readers.containsAll(List.of("stale", "newer"));
    }

    private static void awaitTrue(java.util.function.BooleanSupplier condition) {
        org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(5))
                .until(condition::getAsBoolean);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
