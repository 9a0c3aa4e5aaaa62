package io.mrm.aem.domain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempReplicatedVpn;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * Two actuator instances that share nothing but the broker ({@link SempV2Fake}): each has its own
 * in-memory epoch fence, its own SEMP user (so the fake records who changed what) and its own
 * handler. One is always handed the older epoch. The fence marks on the broker must keep the older
 * one from ever changing the role after the newer one has. The fake's log of queue changes shows in
 * which rounds the two really contended (both intents on the broker at once): the race test counts
 * them and fails if there were none, since then it would have proved nothing.
 */
class RoleFenceRaceFakeTest {

    static final String APP = "shop";
    static final String VPN = "shop-b";
    static final ActuatorLimits LIMITS = new ActuatorLimits(
            Duration.ofMillis(5),
            Duration.ofSeconds(5),
            Duration.ofSeconds(1),
            Duration.ofSeconds(1),
            Duration.ofMillis(100),
            true,
            Duration.ofSeconds(10),
            Duration.ofSeconds(2));

    final SempV2Fake fake;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
    final ExecutorService threads = Executors.newFixedThreadPool(2);

    RoleFenceRaceFakeTest() throws IOException {
        fake = new SempV2Fake("old", "old-pw").user("new", "new-pw").vpn(VPN, "standby");
    }

    @AfterEach
    void stop() {
        threads.shutdownNow();
        fake.close();
    }

    ReplicatedVpn vpn(String user) {
        return new SempReplicatedVpn(
                new SempV2Client(
                        http,
                        fake.baseUrl(),
                        new SempCredentials.Basic(user, SecretReference.literal(user + "-pw")),
                        Duration.ofSeconds(2)),
                VPN);
    }

    AemSyncCommandHandler handler(String instance, ReplicatedVpn vpn, ActuatorLimits limits) {
        EventBrokers brokers = new EventBrokers() {
            @Override
            public Optional<ReplicatedVpn> vpn(String applicationId, String region) {
                return Optional.of(vpn);
            }

            @Override
            public Optional<DeliveryCheck> deliveryCheck(String applicationId, String region) {
                return Optional.empty();
            }
        };
        return new AemSyncCommandHandler(brokers, limits, instance, Clock.systemUTC(), Sleeper.THREAD);
    }

    static EventsSetRoleCommand command(long epoch, ReplicationRole role) {
        return new EventsSetRoleCommand(
                "c-" + epoch,
                APP,
                Instant.now(),
                1,
                new StepRef("d-" + epoch, epoch, 0, 1, Instant.now().plusSeconds(20)),
                "region-b",
                role);
    }

    static ReplicationRole opposite(ReplicationRole role) {
        return role == ReplicationRole.ACTIVE ? ReplicationRole.STANDBY : ReplicationRole.ACTIVE;
    }

    @Test
    void concurrentlyOverManyRoundsTheOlderEpochNeverChangesTheRoleAfterTheNewerOne() throws Exception {
        AemSyncCommandHandler older = handler("actuator-old", vpn("old"), LIMITS);
        AemSyncCommandHandler newer = handler("actuator-new", vpn("new"), LIMITS);
        Map<AckOutcome, Integer> olderOutcomes = new EnumMap<>(AckOutcome.class);
        int contended = 0;
        int olderRefusedByTheFence = 0;
        int newerWaitedForTheOlderWrite = 0;
        int rounds = 200;
        for (int round = 0; round < rounds; round++) {
            // both kinds of conflict: the newer decision flips the role and the older one wants it back, or the
            // newer one confirms the role the VPN has and the older one wants to flip it
            ReplicationRole current = ReplicationRole.valueOf(fake.role(VPN).toUpperCase());
            ReplicationRole wanted = round % 2 == 0 ? opposite(current) : current;
            EventsSetRoleCommand stale = command(2L * round + 1, opposite(wanted));
            EventsSetRoleCommand fresh = command(2L * round + 2, wanted);
            long before = fake.roleChanges().size();
            int queueChangesBefore = fake.queueChanges().size();
            CyclicBarrier start = new CyclicBarrier(2);
            CompletableFuture<CommandAck> staleAck = CompletableFuture.supplyAsync(
                    () -> {
                        awaitQuietly(start);
                        return older.handle(stale);
                    },
                    threads);
            CompletableFuture<CommandAck> freshAck = CompletableFuture.supplyAsync(
                    () -> {
                        awaitQuietly(start);
                        return newer.handle(fresh);
                    },
                    threads);

            CommandAck newerAck = freshAck.get(30, TimeUnit.SECONDS);
            CommandAck olderAck = staleAck.get(30, TimeUnit.SECONDS);

            String where = "round " + round + ": older " + olderAck.outcome() + " " + olderAck.detail() + "; newer "
                    + newerAck.outcome() + " " + newerAck.detail();
            assertThat(newerAck.outcome()).as(where).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(olderAck.outcome()).as(where).isIn(AckOutcome.SUCCEEDED, AckOutcome.REJECTED_STALE);
            assertThat(fake.role(VPN)).as(where).isEqualTo(wanted.name().toLowerCase());
            List<SempV2Fake.RoleChange> changes =
                    fake.roleChanges().subList((int) before, fake.roleChanges().size());
            int firstByNewer = indexOfUser(changes, "new");
            if (firstByNewer >= 0) {
                assertThat(changes.subList(firstByNewer, changes.size()))
                        .as(where + "; changes " + changes)
                        .extracting(SempV2Fake.RoleChange::user)
                        .containsOnly("new");
            }
            olderOutcomes.merge(olderAck.outcome(), 1, Integer::sum);
            List<SempV2Fake.QueueChange> queueChanges = fake.queueChanges();
            List<SempV2Fake.QueueChange> roundChanges = queueChanges.subList(queueChangesBefore, queueChanges.size());
            if (bothIntentsHeldAtOnce(roundChanges)) {
                // the two ways the protocol settles a real contention: the older one meets the newer fence, or
                // the newer one waits while the older one, admitted first, writes
                if ("FENCED_BY_NEWER_EPOCH".equals(olderAck.errorCode())) {
                    olderRefusedByTheFence++;
                    contended++;
                } else if (olderWroteWhileNewerIntentLive(roundChanges, changes)) {
                    newerWaitedForTheOlderWrite++;
                    contended++;
                }
            }
        }
        System.out.println("older epoch's outcomes over " + rounds + " rounds: " + olderOutcomes + "; contended in "
                + contended + " rounds: the older refused by the newer fence in " + olderRefusedByTheFence
                + ", the newer waiting for the older write in " + newerWaitedForTheOlderWrite);
        // the race was real: in some rounds both actuators were inside the protocol at once and it had to decide
        assertThat(contended)
                .as("rounds in which both intents were on the broker at once and the fence decided")
                .isPositive();
    }

    @Test
    void aNewerEpochWaitsForAnOlderWriterAlreadyAdmittedSoTheOlderWriteLandsFirst() throws Exception {
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AemSyncCommandHandler older = handler("actuator-old", paused(vpn("old"), writing, release), LIMITS);
        AemSyncCommandHandler newer = handler("actuator-new", vpn("new"), LIMITS);

        // epoch 1 (a failover) wants region-b active; epoch 2 (a failback that overtook it) wants it standby
        CompletableFuture<CommandAck> olderAck =
                CompletableFuture.supplyAsync(() -> older.handle(command(1, ReplicationRole.ACTIVE)), threads);
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        CompletableFuture<CommandAck> newerAck =
                CompletableFuture.supplyAsync(() -> newer.handle(command(2, ReplicationRole.STANDBY)), threads);
        long listingsBefore = listings();
        await("the newer actuator keeps re-reading the marks while the older one holds its intent")
                .atMost(Duration.ofSeconds(10))
                .until(() -> listings() >= listingsBefore + 5);
        assertThat(newerAck).isNotDone();
        assertThat(fake.queueNames(VPN)).contains("mrm/shop/fence/0000000000000000002");

        release.countDown();

        assertThat(newerAck.get(30, TimeUnit.SECONDS).outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(olderAck.get(30, TimeUnit.SECONDS).outcome()).isIn(AckOutcome.SUCCEEDED, AckOutcome.REJECTED_STALE);
        assertThat(fake.roleChanges())
                .extracting(SempV2Fake.RoleChange::user, SempV2Fake.RoleChange::role)
                .containsExactly(
                        org.assertj.core.groups.Tuple.tuple("old", "active"),
                        org.assertj.core.groups.Tuple.tuple("new", "standby"));
        assertThat(fake.role(VPN)).isEqualTo("standby");
    }

    @Test
    void withoutBrokerFencingTheSameInterleavingLetsTheOlderEpochUndoTheNewerOne() throws Exception {
        ActuatorLimits unfenced = new ActuatorLimits(
                LIMITS.pollInterval(),
                LIMITS.roleChangeTimeout(),
                LIMITS.drainMaxWait(),
                LIMITS.verifyTimeout(),
                LIMITS.ackMargin(),
                false,
                LIMITS.intentLease(),
                LIMITS.requestTimeout());
        CountDownLatch writing = new CountDownLatch(1);
        CountDownLatch release = new CountDownLatch(1);
        AemSyncCommandHandler older = handler("actuator-old", paused(vpn("old"), writing, release), unfenced);
        AemSyncCommandHandler newer = handler("actuator-new", vpn("new"), unfenced);

        CompletableFuture<CommandAck> olderAck =
                CompletableFuture.supplyAsync(() -> older.handle(command(1, ReplicationRole.ACTIVE)), threads);
        assertThat(writing.await(10, TimeUnit.SECONDS)).isTrue();
        CommandAck newerAck = newer.handle(command(2, ReplicationRole.STANDBY));
        release.countDown();
        olderAck.get(30, TimeUnit.SECONDS);

        // the hazard the fence marks exist for: the newer decision's "standby" is overwritten by the stale one
        assertThat(newerAck.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(fake.role(VPN)).isEqualTo("active");
        assertThat(fake.roleChanges()).extracting(SempV2Fake.RoleChange::user).containsExactly("old");
    }

    /** Whether, replaying one round's queue changes in order, an intent of each user existed at the same moment. */
    static boolean bothIntentsHeldAtOnce(List<SempV2Fake.QueueChange> changes) {
        java.util.Map<String, String> liveIntents = new java.util.HashMap<>(); // queue name -> user
        for (SempV2Fake.QueueChange change : changes) {
            if (!change.queueName().contains("/intent/")) {
                continue;
            }
            if (change.created()) {
                liveIntents.put(change.queueName(), change.user());
            } else {
                liveIntents.remove(change.queueName());
            }
            if (liveIntents.containsValue("old") && liveIntents.containsValue("new")) {
                return true;
            }
        }
        return false;
    }

    /** Whether a role change by the older actuator falls while the newer one's intent existed (same sequence). */
    static boolean olderWroteWhileNewerIntentLive(
            List<SempV2Fake.QueueChange> queueChanges, List<SempV2Fake.RoleChange> roleChanges) {
        long created = -1;
        long deleted = Long.MAX_VALUE;
        for (SempV2Fake.QueueChange change : queueChanges) {
            if (change.queueName().contains("/intent/") && change.user().equals("new")) {
                if (change.created()) {
                    created = change.sequence();
                } else {
                    deleted = change.sequence();
                }
            }
        }
        long from = created;
        long to = deleted;
        return created >= 0
                && roleChanges.stream()
                        .anyMatch(c -> c.user().equals("old") && c.sequence() > from && c.sequence() < to);
    }

    private long listings() {
        return fake.requests().stream()
                .filter(r -> r.equals("GET /SEMP/v2/config/msgVpns/" + VPN + "/queues"))
                .count();
    }

    private static int indexOfUser(List<SempV2Fake.RoleChange> changes, String user) {
        for (int i = 0; i < changes.size(); i++) {
            if (changes.get(i).user().equals(user)) {
                return i;
            }
        }
        return -1;
    }

    private static void awaitQuietly(CyclicBarrier barrier) {
        try {
            barrier.await(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    /** The VPN, but a role change stops until released: an older writer stalled between its checks and its write. */
    private static ReplicatedVpn paused(ReplicatedVpn delegate, CountDownLatch writing, CountDownLatch release) {
        return new ReplicatedVpn() {
            @Override
            public String describe() {
                return delegate.describe();
            }

            @Override
            public VpnState read() throws ActuatorFailure {
                return delegate.read();
            }

            @Override
            public void setRole(ReplicationRole role) throws ActuatorFailure {
                writing.countDown();
                try {
                    if (!release.await(20, TimeUnit.SECONDS)) {
                        throw new IllegalStateException("never released");
                    }
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    throw new IllegalStateException(e);
                }
                delegate.setRole(role);
            }

            @Override
            public List<FenceMark> marks(String applicationId) throws ActuatorFailure {
                return delegate.marks(applicationId);
            }

            @Override
            public void create(String applicationId, FenceMark mark) throws ActuatorFailure {
                delegate.create(applicationId, mark);
            }

            @Override
            public void delete(String applicationId, FenceMark mark) throws ActuatorFailure {
                delegate.delete(applicationId, mark);
            }
        };
    }
}
