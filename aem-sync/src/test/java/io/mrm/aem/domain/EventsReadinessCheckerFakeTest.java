package io.mrm.aem.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;

import io.mrm.aem.adapter.ConfiguredVpnInspections;
import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.aem.adapter.SempVpnInspection;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * aem-sync's readiness checks through the real SEMP client (JDK HttpClient) against a replicated pair of
 * {@link SempV2Fake} brokers: region-a's VPN shop-a (active) and region-b's shop-b (standby), each with the
 * delivery-check queue mrm-probe. Every test also holds that the checks only read: the brokers saw GETs
 * alone, and no role or queue changed.
 */
class EventsReadinessCheckerFakeTest {

    static final String PASSWORD = "readiness-semp-pw";
    static final Duration REQUEST_TIMEOUT = Duration.ofSeconds(1);

    final SempV2Fake siteA;
    final SempV2Fake siteB;
    final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();
    /** Queue changes made by the test's own set-up, before the checks. */
    int queueChangesBefore;

    EventsReadinessCheckerFakeTest() throws IOException {
        siteA = new SempV2Fake("mrm", PASSWORD).vpn("shop-a", "active");
        siteB = new SempV2Fake("mrm", PASSWORD, siteA).vpn("shop-b", "standby");
        siteA.replicate("shop-a", siteB, "shop-b");
        siteA.addQueue("shop-a", "mrm-probe", true, true); // created on the active site: config-sync copies it
        queueChangesBefore = siteA.queueChanges().size();
    }

    @AfterEach
    void checksChangedNothing() {
        try {
            assertThat(siteA.requests()).allSatisfy(r -> assertThat(r).startsWith("GET "));
            assertThat(siteB.requests()).allSatisfy(r -> assertThat(r).startsWith("GET "));
            assertThat(siteA.roleChanges()).isEmpty();
            assertThat(siteA.queueChanges()).hasSize(queueChangesBefore);
            assertThat(siteA.role("shop-a")).isEqualTo("active");
            assertThat(siteB.role("shop-b")).isEqualTo("standby");
        } finally {
            siteA.close();
            siteB.close();
        }
    }

    VpnInspection inspection(SempV2Fake site, String vpn, String user, String password, boolean probe) {
        SempV2Client semp = new SempV2Client(
                http,
                site.baseUrl(),
                new SempCredentials.Basic(user, SecretReference.literal(password)),
                REQUEST_TIMEOUT);
        return new SempVpnInspection(semp, vpn, probe ? vpn : null, probe ? "mrm-probe" : null);
    }

    EventsReadinessChecker checker(VpnInspection a, VpnInspection b) {
        Map<String, VpnInspection> regions = new LinkedHashMap<>();
        regions.put("region-a", a);
        regions.put("region-b", b);
        return new EventsReadinessChecker(
                new ConfiguredVpnInspections(Map.of("shop", regions)), true, Duration.ofSeconds(10), Clock.systemUTC());
    }

    EventsReadinessChecker healthyChecker() {
        return checker(
                inspection(siteA, "shop-a", "mrm", PASSWORD, true), inspection(siteB, "shop-b", "mrm", PASSWORD, true));
    }

    static ReadinessCheck find(List<ReadinessCheck> checks, String target, StepAction action, String name) {
        return checks.stream()
                .filter(c -> c.region().equals(target)
                        && c.action() == action
                        && c.check().equals(name))
                .findFirst()
                .orElseThrow(() -> new AssertionError(
                        "no check " + name + " of " + action + " towards " + target + " in " + checks));
    }

    /** The checks whose backend is {@code region}'s broker: its own side of a switch to it, the source side of one away. */
    static List<ReadinessCheck> on(List<ReadinessCheck> checks, String region) {
        return checks.stream()
                .filter(c -> c.region().equals(region) != c.action().needsSourceRegion())
                .toList();
    }

    @Test
    void aHealthyPairIsReadyForEveryEventsStepTowardsBothRegions() {
        List<ReadinessCheck> checks = healthyChecker().check("shop");

        assertThat(checks)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        for (String target : List.of("region-a", "region-b")) {
            assertThat(checks.stream().filter(c -> c.region().equals(target)))
                    .extracting(c -> c.action() + "/" + c.check())
                    .containsExactlyInAnyOrder(
                            "EVENTS_SET_STANDBY/replication",
                            "EVENTS_SET_STANDBY/role-access",
                            "EVENTS_DRAIN/replication-bridge",
                            "EVENTS_DRAIN/replication-backlog",
                            "EVENTS_SET_ACTIVE/replication",
                            "EVENTS_SET_ACTIVE/role-access",
                            "EVENTS_VERIFY/vpn-state",
                            "EVENTS_VERIFY/delivery-queue");
        }
        // towards region-b, the steps on the region being left read region-a's broker
        assertThat(find(checks, "region-b", StepAction.EVENTS_DRAIN, "replication-backlog")
                        .reason())
                .contains("0 messages", "shop-a");
        assertThat(find(checks, "region-b", StepAction.EVENTS_SET_ACTIVE, "role-access")
                        .reason())
                .contains("shop-b", "global access level admin");
        assertThat(siteA.requests())
                .contains("GET /SEMP/v2/monitor/about/user", "GET /SEMP/v2/monitor/about/user/msgVpns/shop-a");
    }

    @Test
    void aBridgeThatIsDownMakesTheDrainNotReadyButNotTheRoleChange() {
        siteA.linkUp("shop-a", false);

        List<ReadinessCheck> checks = healthyChecker().check("shop");

        ReadinessCheck drain = find(checks, "region-b", StepAction.EVENTS_DRAIN, "replication-bridge");
        assertThat(drain.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(drain.reason()).contains("replication bridge of VPN shop-a", "is down");
        assertThat(find(checks, "region-a", StepAction.EVENTS_DRAIN, "replication-bridge")
                        .status())
                .isEqualTo(ReadinessStatus.NOT_READY);
        ReadinessCheck activate = find(checks, "region-b", StepAction.EVENTS_SET_ACTIVE, "replication");
        assertThat(activate.status()).isEqualTo(ReadinessStatus.READY);
        assertThat(activate.reason()).contains("mate's bridge down");
    }

    @Test
    void aWrongPasswordMakesEveryCheckOnThatBrokerNotReadyWithCredentialsRefused() {
        EventsReadinessChecker checker = checker(
                inspection(siteA, "shop-a", "mrm", "not-the-password", true),
                inspection(siteB, "shop-b", "mrm", PASSWORD, true));

        List<ReadinessCheck> checks = checker.check("shop");

        // the delivery-check queue is not asked about once the VPN read was refused
        assertThat(on(checks, "region-a")).hasSize(7).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(c.reason())
                    .startsWith("credentials refused by VPN shop-a")
                    .doesNotContain("not-the-password");
        });
        assertThat(on(checks, "region-b"))
                .hasSize(8)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
    }

    @Test
    void replicationNotEnabledOnTheTargetsVpnMakesSetActiveAndTheDrainAwayNotReady() {
        siteB.replicationEnabled("shop-b", false);

        List<ReadinessCheck> checks = healthyChecker().check("shop");

        ReadinessCheck activate = find(checks, "region-b", StepAction.EVENTS_SET_ACTIVE, "replication");
        assertThat(activate.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(activate.reason())
                .contains("VPN shop-b at", "does not have replication enabled", "enable replication");
        assertThat(find(checks, "region-a", StepAction.EVENTS_SET_STANDBY, "replication")
                        .status())
                .isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(find(checks, "region-a", StepAction.EVENTS_DRAIN, "replication-backlog")
                        .status())
                .isEqualTo(ReadinessStatus.NOT_READY);
    }

    @Test
    void aSempUserWithoutGlobalReadWriteMayNotChangeTheRole() {
        siteB.user("viewer", PASSWORD).access("viewer", "read-only", "read-only");
        EventsReadinessChecker checker = checker(
                inspection(siteA, "shop-a", "mrm", PASSWORD, true),
                inspection(siteB, "shop-b", "viewer", PASSWORD, true));

        List<ReadinessCheck> checks = checker.check("shop");

        ReadinessCheck access = find(checks, "region-b", StepAction.EVENTS_SET_ACTIVE, "role-access");
        assertThat(access.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(access.reason())
                .startsWith("not authorised")
                .contains("global access level read-only", "needs global read-write or admin");
        assertThat(find(checks, "region-b", StepAction.EVENTS_SET_ACTIVE, "replication")
                        .status())
                .isEqualTo(ReadinessStatus.READY);
    }

    @Test
    void aSempUserWithoutAccessToTheVpnIsRefusedWith403AndNotReady() {
        siteB.user("outsider", PASSWORD).access("outsider", "none", "none");
        EventsReadinessChecker checker = checker(
                inspection(siteA, "shop-a", "mrm", PASSWORD, true),
                inspection(siteB, "shop-b", "outsider", PASSWORD, true));

        List<ReadinessCheck> checks = checker.check("shop");

        assertThat(on(checks, "region-b")).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.NOT_READY);
            assertThat(c.reason()).startsWith("not authorised on VPN shop-b").contains("HTTP 403");
        });
    }

    @Test
    void aVpnTheBrokerDoesNotHaveIsNotReady() {
        EventsReadinessChecker checker = checker(
                inspection(siteA, "shop-a", "mrm", PASSWORD, true),
                inspection(siteB, "no-such-vpn", "mrm", PASSWORD, false));

        List<ReadinessCheck> checks = checker.check("shop");

        ReadinessCheck activate = find(checks, "region-b", StepAction.EVENTS_SET_ACTIVE, "replication");
        assertThat(activate.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(activate.reason()).startsWith("not found on VPN no-such-vpn").contains("NOT_FOUND");
    }

    @Test
    void aMissingOrClosedDeliveryCheckQueueMakesVerifyNotReady() throws IOException {
        siteB.deleteQueue("shop-b", "mrm-probe");
        siteA.addQueue("shop-a", "mrm-probe-closed", true, false);
        queueChangesBefore = siteA.queueChanges().size();
        EventsReadinessChecker checker = checker(
                new SempVpnInspection(
                        new SempV2Client(
                                http,
                                siteA.baseUrl(),
                                new SempCredentials.Basic("mrm", SecretReference.literal(PASSWORD)),
                                REQUEST_TIMEOUT),
                        "shop-a",
                        "shop-a",
                        "mrm-probe-closed"),
                inspection(siteB, "shop-b", "mrm", PASSWORD, true));

        List<ReadinessCheck> checks = checker.check("shop");

        ReadinessCheck missing = find(checks, "region-b", StepAction.EVENTS_VERIFY, "delivery-queue");
        assertThat(missing.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(missing.reason()).contains("queue mrm-probe of VPN shop-b does not exist");
        ReadinessCheck closed = find(checks, "region-a", StepAction.EVENTS_VERIFY, "delivery-queue");
        assertThat(closed.status()).isEqualTo(ReadinessStatus.NOT_READY);
        assertThat(closed.reason()).contains("egress disabled");
    }

    @Test
    void aBrokerThatNeverAnswersIsUnknownAfterTheRequestTimeoutAndTheOtherRegionIsStillChecked() {
        siteA.hang();

        List<ReadinessCheck> checks = assertTimeoutPreemptively(
                Duration.ofSeconds(60), () -> healthyChecker().check("shop"));

        assertThat(on(checks, "region-a")).hasSize(7).allSatisfy(c -> {
            assertThat(c.status()).isEqualTo(ReadinessStatus.UNKNOWN);
            assertThat(c.reason()).contains("no conclusive answer from VPN shop-a", "within 1000 ms");
            assertThat(c.durationMs()).as("waited for the request timeout").isGreaterThanOrEqualTo(900);
        });
        assertThat(on(checks, "region-b"))
                .hasSize(8)
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        // one request waited; the broker was not asked again in the same round
        assertThat(siteA.requests()).hasSize(1);
        siteA.clearFaults();
    }

    @Test
    void aBrokerAnswering503IsUnknown() {
        siteB.failUntilCleared(new SempV2Fake.Failure(503, 2, "FAIL", "service unavailable"));

        List<ReadinessCheck> checks = healthyChecker().check("shop");

        assertThat(on(checks, "region-b"))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.UNKNOWN));
        assertThat(on(checks, "region-a"))
                .allSatisfy(c -> assertThat(c.status()).as(c.toString()).isEqualTo(ReadinessStatus.READY));
        siteB.clearFaults();
    }
}
