package io.mrm.dns.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.dns.adapter.Rfc2136DnsRouter.Application;
import io.mrm.dns.adapter.Rfc2136DnsRouter.RecordType;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Settings;
import io.mrm.dns.adapter.Rfc2136DnsRouter.Transport;
import io.mrm.dns.adapter.Rfc2136DnsRouter.TsigKey;
import io.mrm.dns.domain.DnsAnswer;
import io.mrm.dns.domain.DnsCommandHandler;
import io.mrm.dns.domain.DnsFencedException;
import io.mrm.dns.domain.DnsReadinessChecker;
import io.mrm.dns.domain.DnsRouter;
import io.mrm.dns.domain.DnsState;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.kafka.SecretReference;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The RFC 2136 router against a real BIND 9 ({@link Bind9Extension}): each test uses its own name in
 * the zone, and every result is read back with a plain resolver query (and {@code dig} when it is
 * installed), not through the router.
 */
class Rfc2136DnsRouterBindIT {

    static final String ZONE = "mrm.test";
    static final List<String> NAMES = List.of("switch", "redeliver", "tsig", "fenced", "race", "verify", "readiness");
    /** A zone on the same server where the key may change nothing a switch writes. */
    static final String LOCKED_ZONE = "locked.test";

    @RegisterExtension
    @Order(1)
    static final Bind9Extension BIND = new Bind9Extension(
                    ZONE,
                    "@ NS ns2",
                    "ns2 A 127.0.0.1",
                    "switch CNAME switch.region-a",
                    "redeliver CNAME redeliver.region-a",
                    "tsig CNAME tsig.region-a",
                    "fenced CNAME fenced.region-a",
                    "race CNAME race.region-a",
                    "verify CNAME verify.region-a",
                    "readiness CNAME readiness.region-a",
                    "addresses A 192.0.2.10",
                    "addresses A 192.0.2.11")
            .withZone(
                    LOCKED_ZONE,
                    "grant " + Bind9Extension.KEY_NAME + " name unrelated." + LOCKED_ZONE + ". TXT;",
                    "locked CNAME locked.region-a");

    /**
     * The zone's second name server, ns2: a BIND secondary that catches up only when notified. It listens
     * on a port of its own, which the router is told ({@code name-servers}); its address is the zone's.
     */
    @RegisterExtension
    @Order(2)
    static final Bind9Extension SECONDARY = Bind9Extension.secondaryOf(BIND);

    /** How long a dig that gives up after 2 s may take on a saturated machine before it counts as hung. */
    static final Duration DIG_BOUND = Duration.ofSeconds(30);

    static final ExecutorService POOL = Executors.newFixedThreadPool(2);

    @AfterAll
    static void stopPool() {
        POOL.shutdownNow();
    }

    static Rfc2136DnsRouter router(String keyName, String secret) {
        Map<String, Application> apps = new LinkedHashMap<>();
        for (String app : NAMES) {
            Map<String, List<String>> targets = new LinkedHashMap<>();
            for (String region : List.of("region-a", "region-b", "region-c")) {
                targets.put(region, List.of(app + "." + region + "." + ZONE));
            }
            apps.put(app, new Application(name(ZONE), name(app + "." + ZONE), RecordType.CNAME, targets, "_mrm-epoch"));
        }
        apps.put(
                "addresses",
                new Application(
                        name(ZONE),
                        name("addresses." + ZONE),
                        RecordType.A,
                        Map.of("region-a", List.of("192.0.2.10", "192.0.2.11"), "region-b", List.of("198.51.100.7")),
                        "_mrm-epoch"));
        apps.put(
                "locked",
                new Application(
                        name(LOCKED_ZONE),
                        name("locked." + LOCKED_ZONE),
                        RecordType.CNAME,
                        Map.of(
                                "region-a", List.of("locked.region-a." + LOCKED_ZONE),
                                "region-b", List.of("locked.region-b." + LOCKED_ZONE)),
                        "_mrm-epoch"));
        // ns1 is the primary, at its port; ns2 is the secondary, at a port of its own
        return new Rfc2136DnsRouter(new Settings(
                "127.0.0.1",
                BIND.port(),
                Transport.TCP,
                Bind9Extension.ANSWER_BOUND,
                Duration.ofSeconds(30),
                new TsigKey(
                        name(keyName),
                        TsigKey.algorithm("hmac-sha256"),
                        SecretReference.env("TSIG", Map.of("TSIG", secret))),
                apps,
                BIND.port(),
                Map.of(name("ns2." + ZONE), SECONDARY.address())));
    }

    static Rfc2136DnsRouter router() {
        return router(Bind9Extension.KEY_NAME, BIND.secret());
    }

    static DnsCommandHandler handler(DnsRouter router) {
        return new DnsCommandHandler(router, Clock.systemUTC());
    }

    static DnsRouteCommand route(String app, long epoch, String region, int attempt) {
        return new DnsRouteCommand(
                "route-" + app + "-" + epoch + "-" + attempt,
                app,
                Instant.now(),
                1,
                new StepRef(
                        "decision-" + epoch, epoch, 0, attempt, Instant.now().plusSeconds(60)),
                region);
    }

    @Test
    void switchesTheNameAndAPlainResolverAnswersWithTheNewRegion() throws Exception {
        DnsRouteCommand command = route("switch", 1, "region-b", 1);

        CommandAck ack = handler(router()).handle(command);

        assertThat(ack.outcome()).as(ack.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.observed())
                .containsEntry("changed", "true")
                .containsEntry("region", "region-b")
                .containsEntry("fencingEpoch", "1");
        List<Record> cname = resolve("switch." + ZONE, Type.CNAME);
        assertThat(cname).singleElement().satisfies(r -> {
            assertThat(((CNAMERecord) r).getTarget()).isEqualTo(name("switch.region-b." + ZONE));
            assertThat(r.getTTL()).as("the configured TTL").isEqualTo(30);
        });
        assertThat(resolve("_mrm-epoch.switch." + ZONE, Type.TXT))
                .singleElement()
                .satisfies(r -> assertThat(((TXTRecord) r).getStrings()).containsExactly("epoch=1"));
        Path dig = ExternalTools.requireOrSkip(ExternalTools.DIG, Bind9Extension.dig());
        assertThat(dig(dig.toString(), "switch." + ZONE, "CNAME")).isEqualTo("switch.region-b." + ZONE + ".");
    }

    @Test
    void addressRecordsSwitchAsOneSet() throws Exception {
        assertThat(router().current("addresses")).isEqualTo(new DnsState("region-a", 0));

        CommandAck ack = handler(router()).handle(route("addresses", 4, "region-b", 1));

        assertThat(ack.outcome()).as(ack.toString()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(resolve("addresses." + ZONE, Type.A))
                .extracting(r -> ((ARecord) r).getAddress().getHostAddress())
                .containsExactly("198.51.100.7");
    }

    @Test
    void reDeliveryChangesNothing() throws Exception {
        DnsCommandHandler handler = handler(router());
        DnsRouteCommand command = route("redeliver", 3, "region-b", 1);
        assertThat(handler.handle(command).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        long serial = serial();

        CommandAck again = handler.handle(command);
        // a second actuator instance that never saw the command before behaves the same
        CommandAck elsewhere = handler(router()).handle(command);

        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false").containsEntry("region", "region-b");
        assertThat(elsewhere.observed()).containsEntry("changed", "false");
        assertThat(serial()).as("SOA serial: no update was applied").isEqualTo(serial);
    }

    @Test
    void aWrongTsigSecretIsAFatalAckAndChangesNothing() throws Exception {
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        CommandAck ack = handler(
                        router(Bind9Extension.KEY_NAME, Base64.getEncoder().encodeToString(wrong)))
                .handle(route("tsig", 1, "region-b", 1));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("BADSIG");
        assertThat(ack.detail()).doesNotContain(Base64.getEncoder().encodeToString(wrong), BIND.secret());
        assertThat(cnameTarget("tsig")).isEqualTo("tsig.region-a." + ZONE + ".");
    }

    @Test
    void aKeyTheServerDoesNotKnowIsAFatalAck() throws Exception {
        CommandAck ack = handler(router("someone-else", BIND.secret())).handle(route("tsig", 1, "region-b", 1));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("BADKEY");
        assertThat(cnameTarget("tsig")).isEqualTo("tsig.region-a." + ZONE + ".");
    }

    @Test
    void anUpdateWhosePrerequisitesNoLongerHoldIsFencedByTheServer() throws Exception {
        Rfc2136DnsRouter router = router();
        DnsState read = router.current("fenced");
        // someone else switches after that read
        router.routeTo("fenced", "region-c", 7, read);
        long serial = serial();

        assertThatThrownBy(() -> router.routeTo("fenced", "region-b", 8, read))
                .isInstanceOf(DnsFencedException.class)
                .hasMessageContaining("NXRRSET");

        assertThat(serial()).isEqualTo(serial);
        assertThat(router.current("fenced")).isEqualTo(new DnsState("region-c", 7));
    }

    @Test
    void aSwitchBetweenTheActuatorsReadAndItsUpdateMakesTheAckFencedThenStale() throws Exception {
        // actuator 1 (epoch 5) reads; actuator 2 (epoch 6) switches to region-c; then actuator 1 sends its update
        DnsCommandHandler other = handler(router());
        Rfc2136DnsRouter router = router();
        DnsRouter interleaving = new DnsRouter() {
            @Override
            public DnsState current(String applicationId) throws ActuatorFailure {
                return router.current(applicationId);
            }

            @Override
            public void routeTo(String applicationId, String region, long epoch, DnsState expected)
                    throws ActuatorFailure {
                assertThat(other.handle(route("fenced", 600, "region-a", 1)).outcome())
                        .isEqualTo(AckOutcome.SUCCEEDED);
                router.routeTo(applicationId, region, epoch, expected);
            }

            @Override
            public List<DnsAnswer> answers(String applicationId) throws ActuatorFailure {
                return router.answers(applicationId);
            }
        };
        DnsCommandHandler handler = handler(interleaving);

        CommandAck lost = handler.handle(route("fenced", 500, "region-b", 1));
        CommandAck retried = handler(router).handle(route("fenced", 500, "region-b", 2));

        assertThat(lost.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(lost.errorCode()).isEqualTo(DnsFencedException.CODE);
        assertThat(retried.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(retried.fenceEpoch())
                .as("the zone's TXT token that refused it")
                .isEqualTo(600L);
        assertThat(cnameTarget("fenced")).isEqualTo("fenced.region-a." + ZONE + ".");
        assertThat(router.current("fenced")).isEqualTo(new DnsState("region-a", 600));
    }

    /**
     * Two actuator instances, each with its own router and its own view of the epochs, get commands for
     * one application at once: the newer decision to region-a or region-b, a stale one to region-c. A
     * barrier makes both read the same state before either updates, so every round is a real race at the
     * server: exactly one update passes its prerequisites and the other is fenced. Whatever the order,
     * the epochs BIND applied (read from its own log) only ever rise, the name holds the newer decision's
     * region at the end of each round, and the stale command re-delivered after it changes nothing.
     */
    @Test
    void aStaleActuatorRacingANewerOneNeverOverwritesIt() throws Exception {
        int rounds = 40;
        Barriered newerRouter = new Barriered(router());
        Barriered staleRouter = new Barriered(router());
        DnsCommandHandler newer = handler(newerRouter);
        DnsCommandHandler stale = handler(staleRouter);
        int staleWon = 0;
        long epoch = router().current("race").epoch();

        for (int round = 0; round < rounds; round++) {
            String region = round % 2 == 0 ? "region-b" : "region-a";
            DnsRouteCommand staleCommand = route("race", epoch + 1, "region-c", 1);
            long newerEpoch = epoch + 2;
            CyclicBarrier barrier = new CyclicBarrier(2);
            newerRouter.barrier.set(barrier);
            staleRouter.barrier.set(barrier);
            // alternate who starts first, so that neither always arrives last at the barrier
            Future<CommandAck> first;
            Future<CommandAck> second;
            if (round % 4 < 2) {
                first = POOL.submit(() -> stale.handle(staleCommand));
                second = POOL.submit(() -> newer.handle(route("race", newerEpoch, region, 1)));
            } else {
                second = POOL.submit(() -> newer.handle(route("race", newerEpoch, region, 1)));
                first = POOL.submit(() -> stale.handle(staleCommand));
            }
            CommandAck staleAck = first.get(60, TimeUnit.SECONDS);
            CommandAck newerAck = second.get(60, TimeUnit.SECONDS);
            assertThat(List.of(staleAck, newerAck))
                    .as("round " + round + ": one update loses at the server")
                    .filteredOn(a -> DnsFencedException.CODE.equals(a.errorCode()))
                    .hasSize(1);
            if (DnsFencedException.CODE.equals(newerAck.errorCode())) {
                staleWon++;
                // the engine retries a fenced step; so does this test
                newerAck = newer.handle(route("race", newerEpoch, region, 2));
            }
            assertThat(newerAck.outcome())
                    .as("round " + round + ": " + newerAck)
                    .isEqualTo(AckOutcome.SUCCEEDED);
            long serial = serial();
            CommandAck redelivered = stale.handle(staleCommand);

            assertThat(redelivered.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
            assertThat(serial()).isEqualTo(serial);
            assertThat(router().current("race")).as("round " + round).isEqualTo(new DnsState(region, newerEpoch));
            assertThat(cnameTarget("race")).isEqualTo("race." + region + "." + ZONE + ".");
            epoch = newerEpoch;
        }

        List<Long> applied = appliedEpochs("race");
        assertThat(applied)
                .as("epochs BIND applied to _mrm-epoch.race, in order")
                .isSortedAccordingTo(Long::compare)
                .doesNotHaveDuplicates()
                .endsWith(epoch);
        System.out.println("stale actuator updated first in " + staleWon + " of " + rounds + " races"
                + " (the newer one then switched over it); fenced in the others");
    }

    /**
     * Finding 9: the zone has two name servers and resolvers ask either. Right after the switch the
     * secondary (ns2) still answers with the old region, so verify must not succeed; once the secondary
     * has transferred the change it does. Before, verify asked the primary only.
     */
    @Test
    void verifyAsksEveryNameServerOfTheZone() throws Exception {
        DnsCommandHandler handler = handler(router());
        DnsVerifyCommand verify = new DnsVerifyCommand(
                "verify-1",
                "verify",
                Instant.now(),
                1,
                new StepRef("decision-1", 1, 1, 1, Instant.now().plusSeconds(60)),
                "region-b");
        assertThat(handler.handle(route("verify", 1, "region-b", 1)).outcome()).isEqualTo(AckOutcome.SUCCEEDED);

        CommandAck lagging = handler.handle(verify);

        assertThat(resolveAt(SECONDARY, "verify." + ZONE, Type.CNAME))
                .singleElement()
                .satisfies(r -> assertThat(((CNAMERecord) r).getTarget()).isEqualTo(name("verify.region-a." + ZONE)));
        assertThat(lagging.outcome()).as(lagging.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(lagging.detail()).contains("ns2." + ZONE, "region-a");

        SECONDARY.notifySecondary();
        org.awaitility.Awaitility.await("the secondary transferred the change")
                .atMost(Duration.ofSeconds(30))
                .pollInterval(Duration.ofMillis(50))
                .ignoreExceptions()
                .until(() -> ((CNAMERecord) resolveAt(SECONDARY, "verify." + ZONE, Type.CNAME)
                                .get(0))
                        .getTarget()
                        .equals(name("verify.region-b." + ZONE)));
        CommandAck verified = handler.handle(verify);
        assertThat(verified.outcome()).as(verified.detail()).isEqualTo(AckOutcome.SUCCEEDED);
    }

    @Test
    void aServerThatDoesNotAnswerIsRetriable() throws Exception {
        try (java.net.DatagramSocket silent =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Rfc2136DnsRouter router = new Rfc2136DnsRouter(new Settings(
                    "127.0.0.1",
                    silent.getLocalPort(),
                    Transport.UDP,
                    Duration.ofMillis(300),
                    Duration.ofSeconds(30),
                    router().settings().tsig(),
                    router().settings().applications()));
            assertThatThrownBy(() -> router.current("switch")).isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                assertThat(e.retriable()).isTrue();
                assertThat(e.code()).isEqualTo(Rfc2136Errors.TIMEOUT);
            });
        }
    }

    static DnsReadinessChecker readiness(Rfc2136DnsRouter router) {
        return new DnsReadinessChecker(new Rfc2136ReadinessProbe(router), router, Clock.systemUTC());
    }

    @Test
    void readinessWithAGoodKeyIsReadyTowardsEveryRegionAndChangesNothing() throws Exception {
        long serial = serial();

        List<ReadinessCheck> checks = readiness(router()).check("readiness");

        assertThat(checks).extracting(ReadinessCheck::region).containsOnly("region-a", "region-b", "region-c");
        assertThat(checks)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        assertThat(checks)
                .filteredOn(c -> c.check().equals(Rfc2136ReadinessProbe.UPDATE_PERMISSION))
                .hasSize(3)
                .allSatisfy(c -> assertThat(c.reason()).contains("NXRRSET", "changed nothing"));
        assertThat(checks)
                .filteredOn(c -> c.action() == StepAction.DNS_VERIFY)
                .hasSize(3)
                .allSatisfy(c -> assertThat(c.reason()).contains("ns2." + ZONE));
        assertThat(serial()).as("SOA serial: no update was applied").isEqualTo(serial);
        assertThat(cnameTarget("readiness")).isEqualTo("readiness.region-a." + ZONE + ".");
        assertThat(resolve("_mrm-epoch.readiness." + ZONE, Type.TXT)).isEmpty();
        assertThat(BIND.log())
                .as("BIND's own log: the test updates were refused on their prerequisites, none added a record")
                .contains("_mrm-readiness-", "prerequisite not satisfied (NXRRSET)")
                .doesNotContain("adding an RR at 'readiness." + ZONE, "adding an RR at '_mrm-epoch.readiness.");
    }

    @Test
    void readinessWithAWrongTsigSecretIsNotReadyAndNamesTheKey() throws Exception {
        byte[] wrong = new byte[32];
        new SecureRandom().nextBytes(wrong);
        Rfc2136DnsRouter router =
                router(Bind9Extension.KEY_NAME, Base64.getEncoder().encodeToString(wrong));
        long serial = serial();

        List<ReadinessCheck> checks = readiness(router).check("readiness");

        assertThat(checks)
                .filteredOn(
                        c -> c.action() == StepAction.DNS_ROUTE && !c.check().equals(Rfc2136ReadinessProbe.TARGET))
                .isNotEmpty()
                .allSatisfy(c -> {
                    assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("key " + Bind9Extension.KEY_NAME + ".", "BADSIG");
                    assertThat(c.reason()).doesNotContain(Base64.getEncoder().encodeToString(wrong), BIND.secret());
                });
        assertThat(serial()).isEqualTo(serial);
    }

    @Test
    void readinessForAZoneTheKeyMayNotUpdateIsNotReady() throws Exception {
        long serial = serialOf(LOCKED_ZONE);

        List<ReadinessCheck> checks = readiness(router()).check("locked");

        assertThat(checks)
                .filteredOn(c -> c.check().equals(Rfc2136ReadinessProbe.ZONE_SOA))
                .as("the key itself is good: it reads the zone")
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        assertThat(checks)
                .filteredOn(c -> c.check().equals(Rfc2136ReadinessProbe.UPDATE_PERMISSION))
                .hasSize(2)
                .allSatisfy(c -> {
                    assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.NOT_READY);
                    assertThat(c.reason()).contains("REFUSED", "update-policy");
                });
        assertThat(serialOf(LOCKED_ZONE)).isEqualTo(serial);
    }

    @Test
    void readinessOfAServerThatNeverAnswersIsUnknown() throws Exception {
        try (java.net.DatagramSocket silent =
                new java.net.DatagramSocket(0, java.net.InetAddress.getLoopbackAddress())) {
            Rfc2136DnsRouter router = new Rfc2136DnsRouter(new Settings(
                    "127.0.0.1",
                    silent.getLocalPort(),
                    Transport.UDP,
                    Duration.ofMillis(300),
                    Duration.ofSeconds(30),
                    router().settings().tsig(),
                    router().settings().applications()));

            List<ReadinessCheck> checks = readiness(router).check("readiness");

            assertThat(checks)
                    .filteredOn(c -> !c.check().equals(Rfc2136ReadinessProbe.TARGET))
                    .hasSize(9)
                    .allSatisfy(c -> {
                        assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.UNKNOWN);
                        assertThat(c.reason()).contains(Rfc2136Errors.TIMEOUT);
                    });
        }
    }

    /** Holds each routeTo until the other actuator has read too. */
    static final class Barriered implements DnsRouter {
        final Rfc2136DnsRouter delegate;
        final AtomicReference<CyclicBarrier> barrier = new AtomicReference<>();

        Barriered(Rfc2136DnsRouter delegate) {
            this.delegate = delegate;
        }

        @Override
        public DnsState current(String applicationId) throws ActuatorFailure {
            return delegate.current(applicationId);
        }

        @Override
        public void routeTo(String applicationId, String region, long epoch, DnsState expected) throws ActuatorFailure {
            CyclicBarrier once = barrier.getAndSet(null);
            if (once != null) {
                try {
                    once.await(30, TimeUnit.SECONDS);
                } catch (Exception e) {
                    throw ActuatorFailure.retriable("BARRIER", "the other actuator did not arrive: " + e, e);
                }
            }
            delegate.routeTo(applicationId, region, epoch, expected);
        }

        @Override
        public List<DnsAnswer> answers(String applicationId) throws ActuatorFailure {
            return delegate.answers(applicationId);
        }
    }

    private static List<Long> appliedEpochs(String app) {
        Matcher m = Pattern.compile(
                        "adding an RR at '_mrm-epoch\\." + app + "\\." + Pattern.quote(ZONE) + "' TXT \"epoch=(\\d+)\"")
                .matcher(BIND.log());
        List<Long> epochs = new ArrayList<>();
        while (m.find()) {
            epochs.add(Long.parseLong(m.group(1)));
        }
        return epochs;
    }

    private static String cnameTarget(String app) throws IOException {
        List<Record> records = resolve(app + "." + ZONE, Type.CNAME);
        assertThat(records).hasSize(1);
        return ((CNAMERecord) records.get(0)).getTarget().toString();
    }

    private static long serial() throws IOException {
        return serialOf(ZONE);
    }

    private static long serialOf(String zone) throws IOException {
        return ((SOARecord) resolve(zone, Type.SOA).get(0)).getSerial();
    }

    /** A plain, unsigned query, as any resolver would send it. */
    static List<Record> resolve(String name, int type) throws IOException {
        return resolveAt(BIND, name, type);
    }

    static List<Record> resolveAt(Bind9Extension server, String name, int type) throws IOException {
        SimpleResolver resolver = new SimpleResolver(server.address());
        resolver.setTimeout(Bind9Extension.ANSWER_BOUND);
        Message answer = resolver.send(Message.newQuery(Record.newRecord(name(name), type, DClass.IN)));
        return answer.getSection(Section.ANSWER).stream()
                .filter(r -> r.getType() == type)
                .toList();
    }

    static String dig(String dig, String name, String type) {
        try {
            Process process = new ProcessBuilder(
                            dig,
                            "+short",
                            "+time=2",
                            "+tries=1",
                            "-p",
                            Integer.toString(BIND.port()),
                            "@127.0.0.1",
                            name,
                            type)
                    .redirectErrorStream(true)
                    .start();
            // dig gives up after 2 s itself (+time=2 +tries=1): one that has not exited long after is hung,
            // which is a failure of this check, not a reason to skip it
            if (!process.waitFor(DIG_BOUND.toSeconds(), TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
                throw new AssertionError("dig " + name + " " + type + " did not exit within " + DIG_BOUND
                        + " although it gives up after 2 s; it was killed");
            }
            return new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    static Name name(String text) {
        try {
            return Name.fromString(text, Name.root);
        } catch (org.xbill.DNS.TextParseException e) {
            throw new IllegalArgumentException(text, e);
        }
    }
}
