package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.dns.adapter.Route53ApiFake.Op;
import io.mrm.dns.adapter.Route53ApiFake.Rrset;
import io.mrm.dns.adapter.Route53DnsRouter.Mode;
import io.mrm.dns.adapter.Route53DnsRouter.Target;
import io.mrm.dns.adapter.Route53DnsRouter.Zone;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsState;
import io.mrm.dns.domain.VirtualTime;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
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
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.StaticCredentialsProvider;
import software.amazon.awssdk.regions.Region;
import software.amazon.awssdk.retries.api.BackoffStrategy;
import software.amazon.awssdk.services.route53.Route53Client;
import software.amazon.awssdk.services.route53.model.RRType;

/**
 * The real AWS SDK Route 53 client against {@link Route53ApiFake}, driven through
 * {@link DnsCommandHandler} (command in, ack out), as the actuator runs it.
 */
class Route53DnsRouterFakeTest {

    static final String ZONE = "Z0FAKE0000000001";
    static final String NAME = "orders.example.com.";
    static final String TOKEN = "_mrm-epoch.orders.example.com.";
    static final String EU = "orders-eu10.example.net";
    static final String US = "orders-us10.example.net";
    static final String AP = "orders-ap10.example.net";
    static final Pattern EPOCH = Pattern.compile("\"epoch=(\\d+)\"");

    final Route53ApiFake fake;
    final List<Route53DnsRouter> routers = new ArrayList<>();
    final VirtualTime time = VirtualTime.startingNow();
    /** What the alias targets (load balancers) resolve to, as the JVM's resolver would say. */
    final Map<String, Set<String>> aliasAddresses = Map.of(
            "eu-lb.elb.example.com", Set.of("192.0.2.10"), "us-lb.elb.example.com", Set.of("192.0.2.20", "192.0.2.21"));

    Route53DnsRouterFakeTest() throws Exception {
        fake = new Route53ApiFake();
    }

    @BeforeEach
    void zoneWithNeighbours() {
        // records that sort right before and after the name in Route 53's order, to be filtered out
        fake.createZone(
                ZONE,
                Rrset.of(NAME, "CNAME", 300, EU),
                Rrset.of("orders-eu10.orders.example.com", "CNAME", 300, "x.example.net"),
                Rrset.of("orders-admin.example.com", "CNAME", 300, "y.example.net"),
                Rrset.of("a.orders.example.com", "TXT", 300, "\"epoch=99\""),
                Rrset.of("_mrm-epoch.a.orders.example.com", "TXT", 300, "\"epoch=77\""),
                Rrset.weighted("billing.example.com", "CNAME", "eu10", 100, 300, "billing-eu10.example.net"),
                Rrset.weighted("billing.example.com", "CNAME", "us10", 0, 300, "billing-us10.example.net")
                        .withHealthCheck("hc-us10"));
    }

    @AfterEach
    void close() {
        routers.forEach(Route53DnsRouter::close);
        fake.close();
    }

    Route53DnsRouter router(int maxAttempts, int pageSize) {
        Route53Client client = Route53Client.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(
                        StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10))
                        .retryStrategy(r -> r.maxAttempts(maxAttempts)
                                .backoffStrategy(BackoffStrategy.retryImmediately())
                                .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())))
                .build();
        Map<String, Zone> zones = Map.of(
                "orders",
                        new Zone(
                                ZONE,
                                "orders.example.com",
                                RRType.CNAME,
                                Mode.SIMPLE,
                                Map.of(
                                        "eu10", new Target(EU, null, false, "eu10"),
                                        "us10", new Target(US, null, false, "us10"),
                                        "ap10", new Target(AP, null, false, "ap10")),
                                null),
                "billing",
                        new Zone(
                                ZONE,
                                "billing.example.com",
                                RRType.CNAME,
                                Mode.WEIGHTED,
                                Map.of(
                                        "eu10", new Target("billing-eu10.example.net", null, false, "eu10"),
                                        "us10", new Target("billing-us10.example.net", null, false, "us10")),
                                null),
                "lost",
                        new Zone(
                                "Z0NOSUCHZONE0001",
                                "lost.example.com",
                                RRType.CNAME,
                                Mode.SIMPLE,
                                Map.of(
                                        "eu10", new Target(EU, null, false, "eu10"),
                                        "us10", new Target(US, null, false, "us10")),
                                null),
                "edge",
                        new Zone(
                                ZONE,
                                "edge.example.com",
                                RRType.A,
                                Mode.SIMPLE,
                                Map.of(
                                        "eu10", new Target("eu-lb.elb.example.com", "Z32O12XQLNTSW2", true, "eu10"),
                                        "us10", new Target("us-lb.elb.example.com", "Z35SXDOTRQ7X7K", true, "us10")),
                                null));
        Route53DnsRouter router = new Route53DnsRouter(
                client,
                zones,
                new Route53DnsRouter.Settings(Duration.ofSeconds(60)),
                time,
                pageSize,
                name -> aliasAddresses.getOrDefault(name, Set.of()));
        routers.add(router);
        return router;
    }

    Route53DnsRouter router() {
        return router(1, 100);
    }

    /** The handler as the service runs it: re-reads every second, acks 2 s before the deadline; virtual time. */
    DnsCommandHandler handler(Route53DnsRouter router) {
        return new DnsCommandHandler(router, time, time.pacing(Duration.ofSeconds(1), Duration.ofSeconds(2), false));
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

    /** A route command whose deadline is a minute after the virtual time now. */
    DnsRouteCommand routeNow(String app, long epoch, String region) {
        Instant now = time.instant();
        return new DnsRouteCommand(
                "c-" + app + "-" + epoch + "-" + region,
                app,
                now,
                1,
                new StepRef("d-" + epoch, epoch, 0, 1, now.plusSeconds(60)),
                region);
    }

    String tokenValue() {
        Rrset token = fake.get(ZONE, TOKEN, "TXT", null);
        return token == null ? null : token.values().get(0);
    }

    @Test
    void simpleModeUpsertsTheRecordAndCreatesTheTokenInOneBatch() {
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed())
                .containsEntry("region", "us10")
                .containsEntry("fencingEpoch", "1")
                .containsEntry("changed", "true");
        Rrset record = fake.get(ZONE, NAME, "CNAME", null);
        assertThat(record.values()).containsExactly(US);
        assertThat(record.ttl()).isEqualTo(60);
        assertThat(tokenValue()).isEqualTo("\"epoch=1\"");
        // the switch, then the batch that names its change for other instances
        assertThat(fake.calls(Op.CHANGE)).isEqualTo(2);
        assertThat(fake.get(ZONE, "_mrm-change.orders.example.com", "TXT", null).values())
                .containsExactly("\"epoch=1\" \"change=C000000000001\"");
        // the neighbours are untouched
        assertThat(fake.get(ZONE, "a.orders.example.com", "TXT", null).values()).containsExactly("\"epoch=99\"");
    }

    @Test
    void aReDeliveredCommandChangesNothing() {
        DnsCommandHandler handler = handler(router());
        DnsRouteCommand command = route("orders", 1, "us10");
        handler.handle(command);
        CommandAck again = handler.handle(command);

        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false").containsEntry("region", "us10");
        assertThat(fake.calls(Op.CHANGE))
                .as("one switch and the batch naming its change")
                .isEqualTo(2);
    }

    @Test
    void aFreshActuatorReadsTheStateBackFromTheZone() throws Exception {
        handler(router()).handle(route("orders", 3, "us10"));
        assertThat(router().current("orders")).isEqualTo(new DnsState("us10", 3));
        handler(router()).handle(route("orders", 4, "eu10"));
        assertThat(router().current("orders")).isEqualTo(new DnsState("eu10", 4));
        assertThat(tokenValue()).isEqualTo("\"epoch=4\"");
    }

    @Test
    void weightedModeSetsTheTargetTo100AndTheOtherTo0KeepingHealthChecks() throws Exception {
        Route53DnsRouter router = router();
        assertThat(router.current("billing")).isEqualTo(new DnsState("eu10", 0));

        CommandAck ack = handler(router).handle(route("billing", 2, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).containsEntry("region", "us10").containsEntry("fencingEpoch", "2");
        assertThat(fake.get(ZONE, "billing.example.com", "CNAME", "us10").weight())
                .isEqualTo(100);
        assertThat(fake.get(ZONE, "billing.example.com", "CNAME", "us10").healthCheckId())
                .isEqualTo("hc-us10");
        assertThat(fake.get(ZONE, "billing.example.com", "CNAME", "eu10").weight())
                .isZero();
        assertThat(fake.get(ZONE, "_mrm-epoch.billing.example.com", "TXT", null).values())
                .containsExactly("\"epoch=2\"");
    }

    @Test
    void listingFollowsPagesAndKeepsOnlyTheExactNameAndType() throws Exception {
        // one record per page: the weighted pair spans two pages, the token lookup passes the neighbours
        Route53DnsRouter router = router(1, 1);
        assertThat(router.current("billing")).isEqualTo(new DnsState("eu10", 0));
        handler(router).handle(route("billing", 5, "us10"));
        assertThat(router.current("billing")).isEqualTo(new DnsState("us10", 5));
        assertThat(router.current("orders")).isEqualTo(new DnsState("eu10", 0));
    }

    @Test
    void waitsForInSyncBeforeAcknowledging() {
        fake.pendingPolls(3);
        Instant start = time.instant();
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.calls(Op.GET_CHANGE)).isEqualTo(4);
        assertThat(Duration.between(start, time.instant())).isEqualTo(Duration.ofSeconds(3));
    }

    @Test
    void aChangeStillPendingAtTheDeadlineIsRetriableAndTheRetryWaitsForIt() {
        fake.pendingPolls(1_000_000);
        DnsCommandHandler handler = handler(router());

        CommandAck timedOut = handler.handle(route("orders", 1, "us10"));
        CommandAck stillPending = handler.handle(route("orders", 1, "us10"));
        fake.completeAllChanges();
        CommandAck done = handler.handle(route("orders", 1, "us10"));

        assertThat(timedOut.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(timedOut.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
        assertThat(timedOut.observed()).containsEntry("pendingChange", "C000000000001");
        assertThat(stillPending.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(stillPending.errorCode()).isEqualTo(DnsCommandHandler.CHANGE_PENDING);
        assertThat(done.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(done.observed()).containsEntry("changed", "false").containsEntry("region", "us10");
        assertThat(fake.calls(Op.CHANGE))
                .as("one switch and the batch naming its change")
                .isEqualTo(2);
    }

    @ParameterizedTest
    @CsvSource({
        "CHANGE,400,Throttling",
        "CHANGE,400,PriorRequestNotComplete",
        "LIST,400,Throttling",
        "CHANGE,500,InternalFailure",
        "LIST,503,ServiceUnavailable",
        "GET_CHANGE,400,Throttling"
    })
    void throttlingAnd5xxAreRetriableAndALaterAttemptSucceeds(Op op, int status, String code) {
        fake.failNext(op, 1, status, code, "injected");
        fake.pendingPolls(1); // so that the switch polls GetChange at least once
        DnsCommandHandler handler = handler(router());
        DnsRouteCommand command = route("orders", 1, "us10");

        CommandAck failed = handler.handle(command);
        CommandAck retried = handler.handle(command);

        assertThat(failed.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(failed.errorCode()).isEqualTo(code);
        assertThat(retried.outcome()).as(retried.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
    }

    @Test
    void theSdkRetriesAbsorbAThrottleWithinOneCommand() {
        fake.failNext(Op.CHANGE, 1, 400, "Throttling", "Rate exceeded");
        CommandAck ack = handler(router(3, 100)).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.calls(Op.CHANGE))
                .as("throttled, retried, then the batch naming the change")
                .isEqualTo(3);
    }

    @ParameterizedTest
    @CsvSource({"403,AccessDenied", "403,InvalidClientTokenId", "403,SignatureDoesNotMatch", "400,InvalidInput"})
    void authAndInvalidInputAreFatal(int status, String code) {
        fake.failNext(Op.LIST, 1, status, code, "injected");
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(code);
        assertThat(fake.calls(Op.CHANGE)).isZero();
    }

    @Test
    void aMissingHostedZoneIsFatal() {
        CommandAck ack = handler(router()).handle(route("lost", 1, "us10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("NoSuchHostedZone");
    }

    @Test
    void aBatchRejectedForAnotherReasonThanTheTokenIsFatal() {
        // an A record where the CNAME should go: Route 53 refuses the CNAME beside it
        fake.createZone(ZONE, Rrset.of(NAME, "A", 300, "192.0.2.10"));
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("InvalidChangeBatch");
        assertThat(fake.get(ZONE, NAME, "A", null).values()).containsExactly("192.0.2.10");
    }

    @Test
    void anUnreadableTokenIsFatalAndNamesTheRecord() {
        fake.put(ZONE, Rrset.of(TOKEN, "TXT", 60, "\"hello\""));
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.detail()).contains(TOKEN);
    }

    @Test
    void aStaleActuatorThatNeverSawTheNewerEpochIsRefusedByTheZoneToken() {
        DnsCommandHandler newer = handler(router());
        DnsCommandHandler stale = handler(router());
        newer.handle(route("orders", 5, "us10"));

        CommandAck refused = stale.handle(route("orders", 4, "ap10"));

        assertThat(refused.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(refused.errorCode()).isEqualTo("FENCED_BY_NEWER_EPOCH");
        assertThat(refused.fenceEpoch()).as("the TXT token that refused it").isEqualTo(5L);
        assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
        assertThat(fake.calls(Op.CHANGE))
                .as("the newer switch and the batch naming its change")
                .isEqualTo(2);
    }

    @Test
    void aStaleBatchHeldUntilTheNewerOneCommittedIsRejectedWhole() throws Exception {
        CountDownLatch staleHeld = new CountDownLatch(1);
        CountDownLatch newerDone = new CountDownLatch(1);
        fake.beforeApply(changes -> {
            if (changes.stream().anyMatch(c -> c.getTextContent().contains("epoch=4"))) {
                staleHeld.countDown();
                await(newerDone);
            }
        });
        DnsCommandHandler stale = handler(router());
        ExecutorService pool = Executors.newSingleThreadExecutor();
        try {
            Future<CommandAck> staleAck = pool.submit(() -> stale.handle(route("orders", 4, "ap10")));
            assertThat(staleHeld.await(30, TimeUnit.SECONDS)).isTrue();
            CommandAck newerAck = handler(router()).handle(route("orders", 5, "us10"));
            newerDone.countDown();

            CommandAck lost = staleAck.get(30, TimeUnit.SECONDS);
            assertThat(newerAck.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(lost.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(lost.errorCode()).isEqualTo(DnsFencedException.CODE);
            assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
            assertThat(tokenValue()).isEqualTo("\"epoch=5\"");
            // the engine retries: now the zone itself says epoch 5
            fake.beforeApply(changes -> {});
            assertThat(stale.handle(route("orders", 4, "ap10")).outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
            assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
        } finally {
            pool.shutdownNow();
        }
    }

    /**
     * Two actuator instances, one with a stale epoch, race on one application many times: both read
     * the same token, and the fake holds each batch until the other's has arrived too, so both
     * batches really compete. The token's history must only ever go up (the stale batch never lands
     * after the newer one), and the newer epoch always ends up in the zone.
     */
    @Test
    void racingActuatorsNeverLetAStaleEpochOverwriteANewerOne() throws Exception {
        DnsCommandHandler staleActuator = handler(router());
        DnsCommandHandler newerActuator = handler(router());
        ExecutorService pool = Executors.newFixedThreadPool(2);
        AtomicInteger staleLanded = new AtomicInteger();
        try {
            for (int i = 0; i < 40; i++) {
                long base = 10L * i;
                fake.createZone(
                        ZONE,
                        i == 0
                                ? new Rrset[] {Rrset.of(NAME, "CNAME", 60, EU)}
                                : new Rrset[] {
                                    Rrset.of(NAME, "CNAME", 60, EU),
                                    Rrset.of(TOKEN, "TXT", 60, "\"epoch=" + base + "\"")
                                });
                int logBefore = fake.commitLog().size();
                CyclicBarrier bothArrived = new CyclicBarrier(2);
                fake.beforeApply(changes -> {
                    if (changes.stream().anyMatch(c -> c.getTextContent().contains("change="))) {
                        return; // the batch naming a change after a switch: not part of the race
                    }
                    try {
                        bothArrived.await(2, TimeUnit.SECONDS);
                    } catch (Exception e) {
                        // the other actuator sent no batch (it was refused before writing): go on alone
                    }
                });
                CyclicBarrier start = new CyclicBarrier(2);
                Future<CommandAck> staleAck = pool.submit(() -> {
                    start.await();
                    return staleActuator.handle(route("orders", base + 1, "ap10"));
                });
                Future<CommandAck> newerAck = pool.submit(() -> {
                    start.await();
                    return newerActuator.handle(route("orders", base + 2, "us10"));
                });
                CommandAck newer = newerAck.get(60, TimeUnit.SECONDS);
                CommandAck stale = staleAck.get(60, TimeUnit.SECONDS);
                fake.beforeApply(changes -> {});
                for (int attempt = 0; newer.outcome() == AckOutcome.FAILED_RETRIABLE && attempt < 3; attempt++) {
                    newer = newerActuator.handle(route("orders", base + 2, "us10"));
                }

                // the batches that switch, not those naming a change afterwards
                List<Long> epochs = fake
                        .commitLog()
                        .subList(logBefore, fake.commitLog().size())
                        .stream()
                        .filter(created -> !created.contains("change="))
                        .map(Route53DnsRouterFakeTest::epochIn)
                        .toList();
                assertThat(epochs)
                        .as("token history of race %d (stale %s, newer %s)", i, stale, newer)
                        .isSorted()
                        .doesNotHaveDuplicates()
                        .endsWith(base + 2);
                assertThat(newer.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
                assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
                assertThat(tokenValue()).isEqualTo("\"epoch=" + (base + 2) + "\"");
                if (stale.outcome() == AckOutcome.SUCCEEDED) {
                    staleLanded.incrementAndGet();
                }
            }
        } finally {
            pool.shutdownNow();
        }
        // the race was real: batches were rejected because the other writer had just committed
        assertThat(fake.rejectedBatches()).isPositive();
        System.out.printf(
                "Route 53 race: %d rejected batches, stale epoch landed first (and was then superseded) %d/40%n",
                fake.rejectedBatches(), staleLanded.get());
    }

    static long epochIn(String created) {
        Matcher m = EPOCH.matcher(created);
        assertThat(m.find()).as("token in %s", created).isTrue();
        return Long.parseLong(m.group(1));
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

    @Test
    void verifyAsksRoute53WhatItAnswers() {
        DnsCommandHandler handler = handler(router());
        handler.handle(route("orders", 1, "us10"));

        CommandAck verified = handler.handle(verify("orders", 1, "us10"));

        assertThat(verified.outcome()).as(verified.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(verified.observed())
                .containsEntry("answer.route53:ns-0.awsdns-00.com", "us10 (CNAME " + US + ", TTL 60 s)");
        assertThat(fake.calls(Op.TEST_DNS_ANSWER)).isPositive();
    }

    /**
     * Finding 9: weighted records keep their health checks, so with the target's check failing Route 53
     * answers with the old region at weight 0. Verify must see the answer, not the weights.
     */
    @Test
    void verifyFailsWhileRoute53AnswersTheOldRegionAtWeightZeroBecauseTheTargetIsUnhealthy() {
        fake.healthCheck("hc-us10", false);
        DnsCommandHandler handler = handler(router());

        CommandAck routed = handler.handle(route("billing", 2, "us10"));
        CommandAck verified = handler.handle(verify("billing", 2, "us10"));

        assertThat(routed.outcome()).as(routed.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(verified.outcome()).as(verified.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(verified.errorCode()).isEqualTo("NOT_YET_VISIBLE");
        assertThat(verified.detail()).contains("eu10");
        fake.healthCheck("hc-us10", true);
        CommandAck healthy = handler.handle(verify("billing", 3, "us10"));
        assertThat(healthy.outcome()).as(healthy.detail()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    /**
     * Finding 9: the record switched from had a TTL of 300 s and the switch writes 60 s; resolvers may
     * answer with the old region for 300 s after every Route 53 server answers the new one, and verify
     * says until when. Another instance, which did not see the old record, says it does not know.
     */
    @Test
    void verifyReportsTheOldAnswersTtl() {
        DnsCommandHandler handler = handler(router());
        handler.handle(route("orders", 1, "us10"));

        CommandAck here = handler.handle(verify("orders", 1, "us10"));
        CommandAck elsewhere = handler(router()).handle(verify("orders", 1, "us10"));

        assertThat(here.outcome()).as(here.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        Instant since = Instant.parse(here.observed().get("allAnswersSince"));
        assertThat(here.observed())
                .containsEntry("oldAnswerTtlSeconds", "300")
                .containsEntry("oldAnswersCachedUntil", since.plusSeconds(300).toString());
        assertThat(here.detail()).contains("300 s");
        assertThat(elsewhere.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(elsewhere.observed()).containsEntry("oldAnswerTtlSeconds", "unknown");
    }

    @Test
    void anAliasAnswerIsMatchedByTheAddressesOfTheTargets() {
        fake.put(
                ZONE,
                new Rrset(
                        "edge.example.com",
                        "A",
                        null,
                        null,
                        null,
                        null,
                        "Z32O12XQLNTSW2",
                        "eu-lb.elb.example.com",
                        true,
                        null));
        fake.aliasTarget("eu-lb.elb.example.com", "192.0.2.10");
        fake.aliasTarget("us-lb.elb.example.com", "192.0.2.21");
        DnsCommandHandler handler = handler(router());

        CommandAck before = handler.handle(verify("edge", 1, "us10"));
        handler.handle(route("edge", 1, "us10"));
        CommandAck after = handler.handle(verify("edge", 1, "us10"));

        assertThat(before.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(before.detail()).contains("eu10 (A 192.0.2.10)");
        assertThat(after.outcome()).as(after.detail()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    /**
     * Finding 10: an actuator submitted the switch and restarted before Route 53 had it INSYNC; the
     * command, re-delivered to a new instance, must not be acknowledged as routed while it is PENDING.
     */
    @Test
    void aRestartedActuatorDoesNotAcknowledgeAChangeStillPending() {
        fake.pendingPolls(1_000_000);
        DnsRouteCommand command = route("orders", 1, "us10");
        CommandAck first = handler(router()).handle(command);

        // the actuator restarts (or the partition moves): a new router over the same zone
        CommandAck redelivered = handler(router()).handle(command);

        assertThat(first.outcome()).as(first.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(redelivered.outcome()).as(redelivered.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(redelivered.errorCode()).isEqualTo("CHANGE_PENDING");
        fake.completeAllChanges();
        CommandAck done = handler(router()).handle(command);
        assertThat(done.outcome()).as(done.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
    }

    /**
     * Finding 10, the narrow case: the instance stopped after the switch but before the batch naming its
     * change. Another instance cannot ask GetChange, so it counts the change pending for Route 53's
     * documented propagation time from its submission.
     */
    @Test
    void aChangeWhoseIdWasNeverRecordedCountsAsPendingForRoute53sPropagationTime() {
        long submitted = time.instant().getEpochSecond();
        fake.put(ZONE, Rrset.of(NAME, "CNAME", 60, US));
        fake.put(ZONE, Rrset.of(TOKEN, "TXT", 60, "\"epoch=1\""));
        fake.put(
                ZONE,
                Rrset.of("_mrm-change.orders.example.com", "TXT", 60, "\"epoch=1\" \"submitted=" + submitted + "\""));

        CommandAck soon = new DnsCommandHandler(router(), time).handle(routeNow("orders", 1, "us10"));
        time.advance(Route53DnsRouter.DOCUMENTED_PROPAGATION.plusSeconds(1));
        CommandAck later = new DnsCommandHandler(router(), time).handle(routeNow("orders", 1, "us10"));

        assertThat(soon.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(soon.errorCode()).isEqualTo("CHANGE_PENDING");
        assertThat(later.outcome()).as(later.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.calls(Op.GET_CHANGE)).isZero();
    }

    /** Finding 10: the wait for INSYNC ends by the command's deadline (less the ack margin). */
    @Test
    void theWaitForInSyncEndsByTheCommandsDeadline() {
        fake.pendingPolls(1_000_000);
        Instant now = time.instant();
        DnsRouteCommand command = new DnsRouteCommand(
                "c-deadline", "orders", now, 1, new StepRef("d-1", 1, 0, 1, now.plusSeconds(30)), "us10");

        CommandAck ack = handler(router()).handle(command);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("CHANGE_PENDING");
        assertThat(ack.time())
                .isBeforeOrEqualTo(command.step().deadline().minusSeconds(2))
                .isAfter(command.step().deadline().minusSeconds(4));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
