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
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
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

    Route53DnsRouterFakeTest() throws Exception {
        fake = new Route53ApiFake();
    }

    @BeforeEach
    void zoneWithNeighbours() {
        // records that sort right before and after the name in Route 53's order, to be filtered out
        fake.createZone(ZONE,
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

    Route53DnsRouter router(int maxAttempts, Duration inSyncTimeout, int pageSize) {
        Route53Client client = Route53Client.builder()
                .endpointOverride(fake.endpoint())
                .region(Region.AWS_GLOBAL)
                .credentialsProvider(StaticCredentialsProvider.create(AwsBasicCredentials.create("AKIAFAKE", "fake-secret")))
                .overrideConfiguration(o -> o.apiCallTimeout(Duration.ofSeconds(10)).retryStrategy(r -> r
                        .maxAttempts(maxAttempts).backoffStrategy(BackoffStrategy.retryImmediately())
                        .throttlingBackoffStrategy(BackoffStrategy.retryImmediately())))
                .build();
        Map<String, Zone> zones = Map.of(
                "orders", new Zone(ZONE, "orders.example.com", RRType.CNAME, Mode.SIMPLE, Map.of(
                        "eu10", new Target(EU, null, false, "eu10"),
                        "us10", new Target(US, null, false, "us10"),
                        "ap10", new Target(AP, null, false, "ap10")), null),
                "billing", new Zone(ZONE, "billing.example.com", RRType.CNAME, Mode.WEIGHTED, Map.of(
                        "eu10", new Target("billing-eu10.example.net", null, false, "eu10"),
                        "us10", new Target("billing-us10.example.net", null, false, "us10")), null),
                "lost", new Zone("Z0NOSUCHZONE0001", "lost.example.com", RRType.CNAME, Mode.SIMPLE, Map.of(
                        "eu10", new Target(EU, null, false, "eu10"),
                        "us10", new Target(US, null, false, "us10")), null));
        Route53DnsRouter router = new Route53DnsRouter(client, zones,
                new Route53DnsRouter.Settings(Duration.ofSeconds(60), inSyncTimeout, Duration.ofMillis(5)), pageSize);
        routers.add(router);
        return router;
    }

    Route53DnsRouter router() {
        return router(1, Duration.ofSeconds(5), 100);
    }

    static DnsCommandHandler handler(Route53DnsRouter router) {
        return new DnsCommandHandler(router, Clock.systemUTC());
    }

    static DnsRouteCommand route(String app, long epoch, String region) {
        Instant now = Instant.now();
        return new DnsRouteCommand("c-" + app + "-" + epoch + "-" + region, app, now, 1,
                new StepRef("d-" + epoch, epoch, 0, 1, now.plusSeconds(60)), region);
    }

    String tokenValue() {
        Rrset token = fake.get(ZONE, TOKEN, "TXT", null);
        return token == null ? null : token.values().get(0);
    }

    @Test
    void simpleModeUpsertsTheRecordAndCreatesTheTokenInOneBatch() {
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed()).containsEntry("region", "us10").containsEntry("fencingEpoch", "1")
                .containsEntry("changed", "true");
        Rrset record = fake.get(ZONE, NAME, "CNAME", null);
        assertThat(record.values()).containsExactly(US);
        assertThat(record.ttl()).isEqualTo(60);
        assertThat(tokenValue()).isEqualTo("\"epoch=1\"");
        assertThat(fake.calls(Op.CHANGE)).isEqualTo(1);
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
        assertThat(fake.calls(Op.CHANGE)).isEqualTo(1);
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
        assertThat(fake.get(ZONE, "billing.example.com", "CNAME", "us10").weight()).isEqualTo(100);
        assertThat(fake.get(ZONE, "billing.example.com", "CNAME", "us10").healthCheckId()).isEqualTo("hc-us10");
        assertThat(fake.get(ZONE, "billing.example.com", "CNAME", "eu10").weight()).isZero();
        assertThat(fake.get(ZONE, "_mrm-epoch.billing.example.com", "TXT", null).values())
                .containsExactly("\"epoch=2\"");
    }

    @Test
    void listingFollowsPagesAndKeepsOnlyTheExactNameAndType() throws Exception {
        // one record per page: the weighted pair spans two pages, the token lookup passes the neighbours
        Route53DnsRouter router = router(1, Duration.ofSeconds(5), 1);
        assertThat(router.current("billing")).isEqualTo(new DnsState("eu10", 0));
        handler(router).handle(route("billing", 5, "us10"));
        assertThat(router.current("billing")).isEqualTo(new DnsState("us10", 5));
        assertThat(router.current("orders")).isEqualTo(new DnsState("eu10", 0));
    }

    @Test
    void waitsForInSyncBeforeAcknowledging() {
        fake.pendingPolls(3);
        CommandAck ack = handler(router()).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.calls(Op.GET_CHANGE)).isEqualTo(4);
    }

    @Test
    void aChangeStillPendingAtTheTimeoutIsRetriableAndTheRetryWaitsForIt() {
        fake.pendingPolls(1_000_000);
        DnsCommandHandler handler = handler(router(1, Duration.ofMillis(50), 100));
        DnsRouteCommand command = route("orders", 1, "us10");

        CommandAck timedOut = handler.handle(command);
        CommandAck stillPending = handler.handle(command);
        fake.completeAllChanges();
        CommandAck done = handler.handle(command);

        assertThat(timedOut.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(timedOut.errorCode()).isEqualTo("INSYNC_TIMEOUT");
        assertThat(stillPending.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(stillPending.errorCode()).isEqualTo("CHANGE_PENDING");
        assertThat(done.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(done.observed()).containsEntry("changed", "false").containsEntry("region", "us10");
        assertThat(fake.calls(Op.CHANGE)).isEqualTo(1);
    }

    @ParameterizedTest
    @CsvSource({"CHANGE,400,Throttling", "CHANGE,400,PriorRequestNotComplete", "LIST,400,Throttling",
            "CHANGE,500,InternalFailure", "LIST,503,ServiceUnavailable", "GET_CHANGE,400,Throttling"})
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
        CommandAck ack = handler(router(3, Duration.ofSeconds(5), 100)).handle(route("orders", 1, "us10"));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.calls(Op.CHANGE)).isEqualTo(2);
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
        assertThat(fake.calls(Op.CHANGE)).isEqualTo(1);
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
            assertThat(staleHeld.await(10, TimeUnit.SECONDS)).isTrue();
            CommandAck newerAck = handler(router()).handle(route("orders", 5, "us10"));
            newerDone.countDown();

            CommandAck lost = staleAck.get(10, TimeUnit.SECONDS);
            assertThat(newerAck.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(lost.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(lost.errorCode()).isEqualTo(DnsFencedException.CODE);
            assertThat(fake.get(ZONE, NAME, "CNAME", null).values()).containsExactly(US);
            assertThat(tokenValue()).isEqualTo("\"epoch=5\"");
            // the engine retries: now the zone itself says epoch 5
            fake.beforeApply(changes -> { });
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
                fake.createZone(ZONE, i == 0 ? new Rrset[] {Rrset.of(NAME, "CNAME", 60, EU)}
                        : new Rrset[] {Rrset.of(NAME, "CNAME", 60, EU), Rrset.of(TOKEN, "TXT", 60, "\"epoch=" + base + "\"")});
                int logBefore = fake.commitLog().size();
                CyclicBarrier bothArrived = new CyclicBarrier(2);
                fake.beforeApply(changes -> {
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
                CommandAck newer = newerAck.get(20, TimeUnit.SECONDS);
                CommandAck stale = staleAck.get(20, TimeUnit.SECONDS);
                fake.beforeApply(changes -> { });
                for (int attempt = 0; newer.outcome() == AckOutcome.FAILED_RETRIABLE && attempt < 3; attempt++) {
                    newer = newerActuator.handle(route("orders", base + 2, "us10"));
                }

                List<Long> epochs = fake.commitLog().subList(logBefore, fake.commitLog().size()).stream()
                        .map(Route53DnsRouterFakeTest::epochIn).toList();
                assertThat(epochs).as("token history of race %d (stale %s, newer %s)", i, stale, newer)
                        .isSorted().doesNotHaveDuplicates().endsWith(base + 2);
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
        System.out.printf("Route 53 race: %d rejected batches, stale epoch landed first (and was then superseded) %d/40%n",
                fake.rejectedBatches(), staleLanded.get());
    }

    static long epochIn(String created) {
        Matcher m = EPOCH.matcher(created);
        assertThat(m.find()).as("token in %s", created).isTrue();
        return Long.parseLong(m.group(1));
    }

    @Test
    void verifyReadsTheZone() {
        DnsCommandHandler handler = handler(router());
        handler.handle(route("orders", 1, "us10"));
        Instant now = Instant.now();
        CommandAck verified = handler.handle(new DnsVerifyCommand("v-1", "orders", now, 1,
                new StepRef("d-1", 1, 1, 1, now.plusSeconds(60)), "us10"));
        assertThat(verified.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
