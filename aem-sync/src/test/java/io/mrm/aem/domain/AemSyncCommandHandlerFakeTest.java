package io.mrm.aem.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.aem.adapter.ConfiguredEventBrokers;
import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempReplicatedVpn;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.StepAction;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * The handler end to end, command in and acknowledgement out, through the real SEMP client against
 * {@link SempV2Fake}: region-a's VPN starts active, region-b's standby, the two replicated as one pair
 * (fence marks created on the active one are config-synced to the other). The handler's waits run on a
 * {@link VirtualClock}: their bounds are exact and do not depend on how busy the machine is.
 */
class AemSyncCommandHandlerFakeTest {

    static final String APP = "shop";
    static final String PASSWORD = "semp-password-1";
    static final ActuatorLimits LIMITS = new ActuatorLimits(
            Duration.ofMillis(10),
            Duration.ofSeconds(3),
            Duration.ofMillis(400),
            Duration.ofSeconds(2),
            Duration.ofMillis(100),
            true,
            Duration.ofSeconds(5),
            Duration.ofSeconds(2));

    final SempV2Fake fake;
    final VirtualClock clock = VirtualClock.aheadOfRealTime();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final AemSyncCommandHandler handler;

    AemSyncCommandHandlerFakeTest() throws IOException {
        fake = new SempV2Fake("mrm", PASSWORD).vpn("shop-a", "active").vpn("shop-b", "standby");
        fake.replicate("shop-a", fake, "shop-b");
        handler = handler("aem-sync-1", "mrm", PASSWORD, LIMITS);
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    AemSyncCommandHandler handler(String instance, String user, String password, ActuatorLimits limits) {
        SempCredentials credentials = new SempCredentials.Basic(user, SecretReference.literal(password));
        SempV2Client semp = new SempV2Client(http, fake.baseUrl(), credentials, limits.requestTimeout());
        ConfiguredEventBrokers brokers = new ConfiguredEventBrokers(Map.of(
                APP,
                Map.of(
                        "region-a", new ConfiguredEventBrokers.Site(new SempReplicatedVpn(semp, "shop-a"), null),
                        "region-b", new ConfiguredEventBrokers.Site(new SempReplicatedVpn(semp, "shop-b"), null))));
        return new AemSyncCommandHandler(brokers, limits, instance, clock, clock.sleeper());
    }

    StepRef step(long epoch, Duration toDeadline) {
        return new StepRef("d-" + epoch, epoch, 0, 1, clock.instant().plus(toDeadline));
    }

    EventsSetRoleCommand setRole(String id, long epoch, String region, ReplicationRole role) {
        return new EventsSetRoleCommand(id, APP, clock.instant(), 1, step(epoch, Duration.ofSeconds(30)), region, role);
    }

    EventsDrainCommand drain(String id, long epoch) {
        return new EventsDrainCommand(
                id, APP, clock.instant(), 1, step(epoch, Duration.ofSeconds(30)), "region-a", "region-b");
    }

    @Test
    void setRoleChangesTheRoleAndWaitsUntilTheBrokerShowsIt() {
        assertThat(handler.handle(setRole("c0", 1, "region-a", ReplicationRole.STANDBY))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        fake.roleVisibleAfterReads(3);

        CommandAck ack = handler.handle(setRole("c1", 1, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.action()).isEqualTo(StepAction.EVENTS_SET_ACTIVE);
        assertThat(ack.detail())
                .isEqualTo("set VPN shop-b at 127.0.0.1:" + fake.baseUrl().getPort() + " active (was standby)");
        assertThat(ack.observed())
                .containsEntry("role", "ACTIVE")
                .containsEntry("changed", "true")
                .containsEntry("replicationEnabled", "true")
                .containsEntry("replicationBridgeUp", "true")
                .containsEntry("replicationRemoteBridgeUp", "true")
                .containsEntry("replicationQueueMessages", "0")
                .containsEntry("vpn", "shop-b")
                .containsEntry("fenceEpoch", "1");
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
        assertThat(fake.role("shop-b")).isEqualTo("active");
        // three monitor reads before it showed: the handler read back rather than trusting the PATCH
        assertThat(fake.requests().stream()
                        .filter(r -> r.equals("GET /SEMP/v2/monitor/msgVpns/shop-b"))
                        .count())
                .isGreaterThanOrEqualTo(3);
        // only the fence of the acting epoch stays behind on either site; the intents are gone
        assertThat(fake.queueNames("shop-b")).containsExactly("mrm/shop/fence/0000000000000000001");
        assertThat(fake.queueNames("shop-a")).containsExactly("mrm/shop/fence/0000000000000000001");
    }

    @Test
    void aReDeliveredCommandChangesNothingTheSecondTime() {
        EventsSetRoleCommand command = setRole("c1", 1, "region-a", ReplicationRole.STANDBY);

        CommandAck first = handler.handle(command);
        CommandAck again = handler.handle(command);

        assertThat(first.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(first.observed()).containsEntry("changed", "true").containsEntry("role", "STANDBY");
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false").containsEntry("role", "STANDBY");
        assertThat(again.detail()).endsWith("already standby");
        assertThat(fake.roleChanges()).hasSize(1);
        assertThat(fake.requests().stream().filter(r -> r.startsWith("PATCH"))).hasSize(1);
    }

    @Test
    void aStaleEpochIsRefusedByTheFenceOnTheBrokerEvenByAnInstanceThatNeverSawTheNewerOne() {
        assertThat(handler.handle(setRole("c2", 2, "region-b", ReplicationRole.ACTIVE))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        AemSyncCommandHandler other = handler("aem-sync-2", "mrm", PASSWORD, LIMITS);

        CommandAck stale = other.handle(setRole("c1", 1, "region-b", ReplicationRole.STANDBY));

        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("FENCED_BY_NEWER_EPOCH");
        assertThat(stale.observed()).containsEntry("fenceEpoch", "2");
        assertThat(stale.fenceEpoch())
                .as("the broker's fence, which this instance never saw")
                .isEqualTo(2L);
        assertThat(fake.role("shop-b")).isEqualTo("active");
        assertThat(fake.roleChanges()).hasSize(1);
        assertThat(fake.queueNames("shop-b")).containsExactly("mrm/shop/fence/0000000000000000002");
    }

    @Test
    void theSameInstanceRefusesAStaleEpochBeforeTouchingTheBroker() {
        handler.handle(setRole("c2", 2, "region-b", ReplicationRole.ACTIVE));
        int requests = fake.requests().size();

        CommandAck stale = handler.handle(setRole("c1", 1, "region-b", ReplicationRole.STANDBY));

        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("STALE_EPOCH");
        assertThat(stale.fenceEpoch()).isEqualTo(2L);
        assertThat(fake.requests()).hasSize(requests);
    }

    @Test
    void anIntentLeftByACrashedActuatorIsIgnoredOnceItsLeaseHasPassed() {
        long longAgo = clock.instant().minusSeconds(60).toEpochMilli();
        fake.addQueue("shop-b", "mrm/shop/intent/0000000000000000001/crashed-pod/" + longAgo);

        CommandAck ack = handler.handle(setRole("c2", 2, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.queueNames("shop-b")).containsExactly("mrm/shop/fence/0000000000000000002");
    }

    @Test
    void aLiveIntentOfAnOlderEpochMakesTheNewerOneWaitAndGiveUpRetriablyWithoutChangingAnything() {
        fake.addQueue(
                "shop-b",
                "mrm/shop/intent/0000000000000000001/slow-pod/"
                        + clock.instant().toEpochMilli());
        EventsSetRoleCommand command = new EventsSetRoleCommand(
                "c2", APP, clock.instant(), 1, step(2, Duration.ofMillis(400)), "region-b", ReplicationRole.ACTIVE);

        CommandAck ack = handler.handle(command);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("FENCE_BUSY");
        assertThat(ack.detail()).contains("epoch 1 held by slow-pod");
        assertThat(fake.role("shop-b")).isEqualTo("standby");
        assertThat(fake.queueNames("shop-b")).doesNotContain("mrm/shop/intent/0000000000000000002");
    }

    @Test
    void drainSucceedsOnceTheReplicationQueueIsEmptyAndTheBridgeUp() {
        fake.backlog("shop-a", 50, 10);

        CommandAck ack = handler.handle(drain("d1", 1));

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(ack.action()).isEqualTo(StepAction.EVENTS_DRAIN);
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
        assertThat(ack.observed())
                .containsEntry("replicationQueueMessages", "0")
                .containsEntry("replicationQueueBytes", "0");
        assertThat(ack.detail()).contains("drained towards region-b");
    }

    @Test
    void drainGivesUpAtItsBoundAndSaysWhatRemains() {
        fake.backlog("shop-a", 1000, 0);
        Instant start = clock.instant();

        CommandAck ack = handler.handle(drain("d1", 1));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("NOT_DRAINED");
        assertThat(ack.detail()).startsWith("1000 messages remain in the replication queue of VPN shop-a");
        assertThat(ack.observed()).containsEntry("replicationQueueMessages", "1000");
        // the drain bound (400 ms): it waited until one more poll would pass it, and no longer
        assertThat(Duration.between(start, ack.time())).isBetween(Duration.ofMillis(390), Duration.ofMillis(400));
        assertThat(fake.requests())
                .filteredOn(r -> r.endsWith("/shop-a/queues/%23MSGVPN_REPLICATION_DATA_QUEUE"))
                .hasSize(40);
    }

    @Test
    void drainEndsBeforeTheCommandsDeadlineLessTheMargin() {
        fake.backlog("shop-a", 1000, 0);
        EventsDrainCommand command = new EventsDrainCommand(
                "d1", APP, clock.instant(), 1, step(1, Duration.ofMillis(250)), "region-a", "region-b");

        CommandAck ack = handler.handle(command);

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("NOT_DRAINED");
        assertThat(ack.time()).isBeforeOrEqualTo(command.step().deadline().minus(LIMITS.ackMargin()));
    }

    @Test
    void aDownBridgeKeepsTheDrainFromSucceedingEvenWithAnEmptyQueue() {
        fake.linkUp("shop-a", false);

        CommandAck ack = handler.handle(drain("d1", 1));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("BRIDGE_DOWN");
        assertThat(ack.detail()).contains("replication bridge of VPN shop-a", "is down");
        assertThat(ack.observed()).containsEntry("replicationBridgeUp", "false");
    }

    @Test
    void aControlledFailoverDrainsTheDemotedSiteOverTheBridgeTheOtherKeepsBound() {
        fake.backlog("shop-a", 30, 10);

        CommandAck demoted = handler.handle(setRole("c1", 1, "region-a", ReplicationRole.STANDBY));
        CommandAck drained = handler.handle(drain("d1", 1));
        CommandAck promoted = handler.handle(setRole("c2", 1, "region-b", ReplicationRole.ACTIVE));

        assertThat(demoted.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(drained.outcome()).as(drained.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(drained.observed()).containsEntry("role", "STANDBY").containsEntry("replicationBridgeUp", "true");
        assertThat(promoted.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoted.observed()).containsEntry("replicationBridgeUp", "true");
    }

    @Test
    void aFailbackRightAfterAFailoverIsNotHeldUpByTheIntentConfigSyncedFromTheDemotedSite() {
        // failover, epoch 1: region-a's intent is synced to region-b while region-a is active; its deletion,
        // after region-a was demoted, is not
        assertThat(handler.handle(setRole("c1", 1, "region-a", ReplicationRole.STANDBY))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(handler.handle(setRole("c2", 1, "region-b", ReplicationRole.ACTIVE))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);

        // failback, epoch 2, well within the intent lease (5 s)
        CommandAck demoteB = handler.handle(setRole("c3", 2, "region-b", ReplicationRole.STANDBY));
        CommandAck promoteA = handler.handle(setRole("c4", 2, "region-a", ReplicationRole.ACTIVE));

        assertThat(demoteB.outcome()).as(demoteB.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(promoteA.outcome()).as(promoteA.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.role("shop-a")).isEqualTo("active");
        assertThat(fake.role("shop-b")).isEqualTo("standby");
        assertThat(fake.queueNames("shop-a")).noneMatch(q -> q.contains("/intent/"));
        assertThat(fake.queueNames("shop-b")).noneMatch(q -> q.contains("/intent/"));
    }

    @Test
    void anAuthenticationFailureIsFatalAndCarriesSolacesCode() {
        AemSyncCommandHandler wrong = handler("aem-sync-1", "mrm", "not-the-password", LIMITS);

        CommandAck ack = wrong.handle(setRole("c1", 1, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("UNAUTHORIZED");
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
        assertThat(ack.detail())
                .contains("HTTP 401", "SEMP error 72 UNAUTHORIZED")
                .doesNotContain("not-the-password");
        assertThat(fake.role("shop-b")).isEqualTo("standby");
    }

    @Test
    void aServerErrorIsRetriableAndCarriesSolacesStatusAndDescription() {
        fake.fail(1, new SempV2Fake.Failure(503, 2, "FAIL", "Message spool is busy"));

        CommandAck ack = handler.handle(setRole("c1", 1, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("FAIL");
        assertThat(ack.detail()).contains("HTTP 503, SEMP error 2 FAIL: Message spool is busy");
        // the intent could not even be created: nothing left behind, nothing changed
        assertThat(fake.role("shop-b")).isEqualTo("standby");
        assertThat(fake.queueNames("shop-b")).isEmpty();
    }

    @Test
    void aRoleThatNeverShowsIsRetriableNotConverged() {
        fake.roleVisibleAfterReads(1_000_000);
        ActuatorLimits quick = new ActuatorLimits(
                Duration.ofMillis(10),
                Duration.ofMillis(300),
                Duration.ofMillis(300),
                Duration.ofSeconds(1),
                Duration.ZERO,
                true,
                Duration.ofSeconds(5),
                Duration.ofSeconds(2));

        CommandAck ack = handler("aem-sync-1", "mrm", PASSWORD, quick)
                .handle(setRole("c1", 1, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("NOT_CONVERGED");
        assertThat(ack.observed()).containsEntry("role", "STANDBY").containsEntry("changed", "true");
    }

    @Test
    void aVpnWithoutReplicationIsAFatalMisconfiguration() {
        fake.replicationEnabled("shop-b", false);

        CommandAck ack = handler.handle(setRole("c1", 1, "region-b", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("REPLICATION_NOT_ENABLED");
        assertThat(fake.roleChanges()).isEmpty();
    }

    @Test
    void verifyWithoutADeliveryCheckChecksThatTheVpnIsUpAndActive() {
        EventsVerifyCommand onA =
                new EventsVerifyCommand("v1", APP, clock.instant(), 1, step(1, Duration.ofSeconds(30)), "region-a");
        EventsVerifyCommand onB =
                new EventsVerifyCommand("v2", APP, clock.instant(), 1, step(1, Duration.ofSeconds(30)), "region-b");

        CommandAck active = handler.handle(onA);
        CommandAck standby = handler.handle(onB);

        assertThat(active.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(active.detail())
                .startsWith("state check (no delivery check configured): VPN shop-a up, role active");
        assertThat(standby.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(standby.errorCode()).isEqualTo("NOT_ACTIVE");
    }

    @Test
    void aRegionWithoutConfigurationIsFatalAndNamesTheKey() {
        CommandAck ack = handler.handle(setRole("c1", 1, "region-c", ReplicationRole.ACTIVE));

        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_FATAL);
        assertThat(ack.errorCode()).isEqualTo("NOT_CONFIGURED");
        assertThat(ack.detail()).contains("mrm.aem.applications.shop.regions.region-c");
    }

    @Test
    void aCommandPastItsDeadlineIsNotExecuted() {
        EventsSetRoleCommand late = new EventsSetRoleCommand(
                "c1", APP, clock.instant(), 1, step(1, Duration.ofSeconds(-1)), "region-b", ReplicationRole.ACTIVE);

        CommandAck ack = handler.handle(late);

        // retriable, like the engine's own missed deadline: the next attempt carries a new one
        assertThat(ack.outcome()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("DEADLINE_PASSED");
        assertThat(ack.fenceEpoch()).isEqualTo(1L);
        assertThat(fake.requests()).isEmpty();
    }
}
