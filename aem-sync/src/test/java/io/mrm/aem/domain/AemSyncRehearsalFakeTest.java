package io.mrm.aem.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.aem.adapter.ConfiguredEventBrokers;
import io.mrm.aem.adapter.ConfiguredVpnInspections;
import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempReplicatedVpn;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.aem.adapter.SempVpnInspection;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.events.readiness.Rehearsal;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * A drill's events steps through the real SEMP client against a replicated pair of {@link SempV2Fake}
 * brokers (region-a's shop-a active, region-b's shop-b standby, delivery-check queue mrm-probe): a rehearsal
 * runs the readiness checks of its step and says what it would have done. Unless a test sends a real
 * command too, every test also holds that the brokers saw GETs alone: no role change, no fence-mark queue.
 */
class AemSyncRehearsalFakeTest {

    static final String APP = "shop";
    static final String PASSWORD = "drill-semp-pw";
    static final ActuatorLimits LIMITS = new ActuatorLimits(
            Duration.ofMillis(10),
            Duration.ofSeconds(3),
            Duration.ofMillis(400),
            Duration.ofSeconds(2),
            Duration.ofMillis(100),
            true,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    final SempV2Fake siteA;
    final SempV2Fake siteB;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    /** Only the real commands' waits move it (no sleeping); a rehearsal never waits. */
    final VirtualClock clock = VirtualClock.aheadOfRealTime();

    final int queueChangesBefore;
    /** Set by a test that sends a real command besides its rehearsals. */
    boolean realCommandSent;

    AemSyncRehearsalFakeTest() throws IOException {
        siteA = new SempV2Fake("mrm", PASSWORD).vpn("shop-a", "active");
        siteB = new SempV2Fake("mrm", PASSWORD, siteA).vpn("shop-b", "standby");
        siteA.replicate("shop-a", siteB, "shop-b");
        siteA.addQueue("shop-a", "mrm-probe", true, true);
        queueChangesBefore = siteA.queueChanges().size();
    }

    @AfterEach
    void rehearsalsChangedNothing() {
        try {
            if (!realCommandSent) {
                assertThat(siteA.requests()).allSatisfy(r -> assertThat(r).startsWith("GET "));
                assertThat(siteB.requests()).allSatisfy(r -> assertThat(r).startsWith("GET "));
                assertThat(siteA.roleChanges()).isEmpty();
                assertThat(siteA.queueChanges()).as("no fence mark").hasSize(queueChangesBefore);
                assertThat(siteA.role("shop-a")).isEqualTo("active");
                assertThat(siteB.role("shop-b")).isEqualTo("standby");
            }
        } finally {
            siteA.close();
            siteB.close();
        }
    }

    SempV2Client semp(SempV2Fake site, String password) {
        return new SempV2Client(
                http,
                site.baseUrl(),
                new SempCredentials.Basic("mrm", SecretReference.literal(password)),
                LIMITS.requestTimeout());
    }

    AemSyncCommandHandler handler(String passwordA) {
        SempV2Client a = semp(siteA, passwordA);
        SempV2Client b = semp(siteB, PASSWORD);
        ConfiguredEventBrokers brokers = new ConfiguredEventBrokers(Map.of(
                APP,
                Map.of(
                        "region-a", new ConfiguredEventBrokers.Site(new SempReplicatedVpn(a, "shop-a"), null),
                        "region-b", new ConfiguredEventBrokers.Site(new SempReplicatedVpn(b, "shop-b"), null))));
        Map<String, VpnInspection> regions = new LinkedHashMap<>();
        regions.put("region-a", new SempVpnInspection(a, "shop-a", "shop-a", "mrm-probe"));
        regions.put("region-b", new SempVpnInspection(b, "shop-b", "shop-b", "mrm-probe"));
        EventsReadinessChecker checker = new EventsReadinessChecker(
                new ConfiguredVpnInspections(Map.of(APP, regions)), true, Duration.ofSeconds(10), clock);
        // the bound is for a saturated machine, not an expectation
        return new AemSyncCommandHandler(
                brokers,
                LIMITS,
                "aem-sync-1",
                clock,
                clock.sleeper(),
                new Rehearsal(checker, clock, Duration.ofSeconds(60), LIMITS.ackMargin()));
    }

    AemSyncCommandHandler handler() {
        return handler(PASSWORD);
    }

    StepRef step(long epoch, boolean rehearsal) {
        return new StepRef("d-" + epoch, epoch, 0, 1, clock.instant().plusSeconds(120), rehearsal);
    }

    EventsSetRoleCommand setRole(long epoch, boolean rehearsal, String region, ReplicationRole role) {
        return new EventsSetRoleCommand(
                "c-" + region + "-" + role + "-" + epoch + (rehearsal ? "-drill" : ""),
                APP,
                clock.instant(),
                1,
                step(epoch, rehearsal),
                region,
                role);
    }

    EventsDrainCommand drain(long epoch) {
        return new EventsDrainCommand(
                "c-drain-" + epoch, APP, clock.instant(), 1, step(epoch, true), "region-a", "region-b");
    }

    EventsVerifyCommand verify(long epoch) {
        return new EventsVerifyCommand("c-verify-" + epoch, APP, clock.instant(), 1, step(epoch, true), "region-b");
    }

    @Test
    void aRehearsalOfEachEventsStepSaysWhatItWouldDoAndOnlyReads() {
        AemSyncCommandHandler handler = handler();

        CommandAck standby = handler.handle(setRole(9, true, "region-a", ReplicationRole.STANDBY));
        CommandAck drained = handler.handle(drain(9));
        CommandAck active = handler.handle(setRole(9, true, "region-b", ReplicationRole.ACTIVE));
        CommandAck verified = handler.handle(verify(9));

        for (CommandAck ack : new CommandAck[] {standby, drained, active, verified}) {
            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(ack.observed()).containsEntry("rehearsal", "true").containsEntry("changed", "false");
            assertThat(ack.fenceEpoch())
                    .as("a rehearsal does not move the fence")
                    .isZero();
        }
        assertThat(standby.detail()).startsWith("would set VPN shop-a").contains("standby under epoch 9", "fence mark");
        assertThat(standby.observed())
                .containsEntry("checkedRegion", "region-b")
                .containsKey("ms.role-access");
        assertThat(drained.detail())
                .startsWith("would wait until VPN shop-a")
                .contains("replication queue towards region-b is empty", "0 messages");
        assertThat(active.detail()).startsWith("would set VPN shop-b").contains("active under epoch 9");
        assertThat(verified.detail()).startsWith("would verify VPN shop-b");
    }

    @Test
    void aRehearsalRecordsNoEpochSoALowerRealCommandStillRuns() {
        AemSyncCommandHandler handler = handler();
        assertThat(handler.handle(setRole(9, true, "region-a", ReplicationRole.STANDBY))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(siteA.role("shop-a")).isEqualTo("active");
        realCommandSent = true;

        CommandAck real = handler.handle(setRole(8, false, "region-a", ReplicationRole.STANDBY));

        assertThat(real.outcome()).as(real.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(siteA.role("shop-a")).isEqualTo("standby");
    }

    @Test
    void aRehearsalBelowAnEpochSeenIsStale() {
        AemSyncCommandHandler handler = handler();
        realCommandSent = true;
        assertThat(handler.handle(setRole(5, false, "region-a", ReplicationRole.STANDBY))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        int requests = siteA.requests().size();

        CommandAck ack = handler.handle(setRole(4, true, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(ack.fenceEpoch()).isEqualTo(5);
        assertThat(siteA.requests()).as("refused before any request").hasSize(requests);
        assertThat(siteB.role("shop-b")).isEqualTo("standby");
    }

    @Test
    void aBridgeThatIsDownMakesTheDrainRehearsalFatalWithTheChecksReason() {
        siteA.linkUp("shop-a", false);

        CommandAck ack = handler().handle(drain(3));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.NOT_READY);
        assertThat(ack.detail()).contains("replication bridge of VPN shop-a", "is down");
    }

    @Test
    void refusedCredentialsMakeTheSetStandbyRehearsalFatal() {
        CommandAck ack = handler("not-the-password").handle(setRole(3, true, "region-a", ReplicationRole.STANDBY));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.detail()).contains("credentials refused by VPN shop-a").doesNotContain("not-the-password");
    }

    @Test
    void aBrokerAnswering503MakesTheRehearsalRetriable() {
        siteB.failUntilCleared(new SempV2Fake.Failure(503, 2, "FAIL", "service unavailable"));

        CommandAck ack = handler().handle(setRole(3, true, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo(Rehearsal.UNKNOWN);
        siteB.clearFaults();
    }

    @Test
    void aRedeliveredRehearsalIsAnsweredAlike() {
        AemSyncCommandHandler handler = handler();
        EventsSetRoleCommand command = setRole(2, true, "region-b", ReplicationRole.ACTIVE);

        CommandAck first = handler.handle(command);
        CommandAck again = handler.handle(command);

        assertThat(again.id()).isEqualTo(first.id());
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
    }
}
