package io.mrm.aem.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.aem.adapter.ConfiguredEventBrokers;
import io.mrm.aem.adapter.SempCredentials;
import io.mrm.aem.adapter.SempReplicatedVpn;
import io.mrm.aem.adapter.SempV2Client;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.StepAction;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * EVENTS_SET_STANDBY as the best-effort fence of the region a forced failover leaves: that region's
 * broker may refuse connections or accept them and never answer, and the ack must still come before
 * the step's deadline, retriably; on a broker that answers it demotes once, changes nothing when
 * repeated, and refuses an epoch below the broker's fence even from an instance that never saw it.
 */
class SetStandbyAsFenceFakeTest {

    static final String APP = "shop";
    static final String PASSWORD = "semp-password-1";
    /**
     * Requests may take 10 s: longer than the short deadline below, as on a real broker. The 2 s margin
     * cuts a request 1 s before the deadline, so the acknowledgement has a whole second to be made even
     * on a busy machine: the bound is the claim, and generous.
     */
    static final ActuatorLimits LIMITS = new ActuatorLimits(
            Duration.ofMillis(10),
            Duration.ofSeconds(3),
            Duration.ofMillis(400),
            Duration.ofSeconds(2),
            Duration.ofSeconds(2),
            true,
            Duration.ofSeconds(30),
            Duration.ofSeconds(10));

    final SempV2Fake fake;
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

    SetStandbyAsFenceFakeTest() throws IOException {
        fake = new SempV2Fake("mrm", PASSWORD).vpn("shop-a", "active").vpn("shop-b", "standby");
        fake.replicate("shop-a", fake, "shop-b");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    AemSyncCommandHandler handler(String instance, URI regionASemp) {
        SempCredentials credentials = new SempCredentials.Basic("mrm", SecretReference.literal(PASSWORD));
        SempV2Client a = new SempV2Client(http, regionASemp, credentials, LIMITS.requestTimeout());
        SempV2Client b = new SempV2Client(http, fake.baseUrl(), credentials, LIMITS.requestTimeout());
        ConfiguredEventBrokers brokers = new ConfiguredEventBrokers(Map.of(
                APP,
                Map.of(
                        "region-a", new ConfiguredEventBrokers.Site(new SempReplicatedVpn(a, "shop-a"), null),
                        "region-b", new ConfiguredEventBrokers.Site(new SempReplicatedVpn(b, "shop-b"), null))));
        return new AemSyncCommandHandler(brokers, LIMITS, instance, Clock.systemUTC(), Sleeper.THREAD);
    }

    static EventsSetRoleCommand standbyOfA(String id, long epoch, Duration toDeadline) {
        return new EventsSetRoleCommand(
                id,
                APP,
                Instant.now(),
                1,
                new StepRef("d-" + epoch, epoch, 3, 1, Instant.now().plus(toDeadline)),
                "region-a",
                ReplicationRole.STANDBY);
    }

    @Test
    void demotesTheRegionBeingLeftOnceAndChangesNothingWhenRepeated() {
        AemSyncCommandHandler handler = handler("aem-sync-1", fake.baseUrl());
        EventsSetRoleCommand fence = standbyOfA("f1", 3, Duration.ofSeconds(10));

        CommandAck first = handler.handle(fence);
        CommandAck again = handler.handle(fence);

        assertThat(first.outcome()).as(first.detail()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(first.action()).isEqualTo(StepAction.EVENTS_SET_STANDBY);
        assertThat(first.observed()).containsEntry("role", "STANDBY").containsEntry("changed", "true");
        assertThat(first.fenceEpoch()).isEqualTo(3L);
        assertThat(again.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
        assertThat(again.observed()).containsEntry("changed", "false");
        assertThat(again.fenceEpoch()).isEqualTo(3L);
        assertThat(fake.role("shop-a")).isEqualTo("standby");
        assertThat(fake.roleChanges()).hasSize(1);
    }

    @Test
    void aStaleEpochIsRefusedByTheBrokersFenceAfterARestartWithTheEpochThatRefusedIt() {
        assertThat(handler("aem-sync-1", fake.baseUrl())
                        .handle(standbyOfA("f5", 5, Duration.ofSeconds(10)))
                        .outcome())
                .isEqualTo(AckOutcome.SUCCEEDED);
        AemSyncCommandHandler restarted = handler("aem-sync-1-restarted", fake.baseUrl());

        CommandAck stale = restarted.handle(standbyOfA("f4", 4, Duration.ofSeconds(10)));

        assertThat(stale.outcome()).isEqualTo(AckOutcome.REJECTED_STALE);
        assertThat(stale.errorCode()).isEqualTo("FENCED_BY_NEWER_EPOCH");
        assertThat(stale.fenceEpoch())
                .as("the broker's fence, above anything this instance saw")
                .isEqualTo(5L);
        assertThat(fake.roleChanges()).hasSize(1);
    }

    @Test
    void aBrokerThatRefusesConnectionsIsRetriableAtOnce() throws IOException {
        AemSyncCommandHandler handler = handler("aem-sync-1", URI.create("http://127.0.0.1:" + closedPort()));
        EventsSetRoleCommand fence = standbyOfA("f1", 3, Duration.ofSeconds(60));

        CommandAck ack = handler.handle(fence);

        assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
        assertThat(ack.errorCode()).isEqualTo("CONNECTION_REFUSED");
        assertThat(ack.fenceEpoch()).isEqualTo(3L);
        // at once: a refusal is not waited out until the deadline (half of it is left, however busy the machine)
        assertThat(ack.time()).isBefore(fence.step().deadline().minusSeconds(30));
    }

    @Test
    void aBrokerThatNeverAnswersIsAnsweredRetriablyBeforeTheDeadline() throws IOException {
        try (SilentServer silent = new SilentServer()) {
            AemSyncCommandHandler handler = handler("aem-sync-1", URI.create("http://127.0.0.1:" + silent.port()));
            // shorter than one request timeout (10 s): the request is cut to the time left
            EventsSetRoleCommand fence = standbyOfA("f1", 3, Duration.ofSeconds(4));

            CommandAck ack = handler.handle(fence);

            assertThat(ack.outcome()).as(ack.detail()).isEqualTo(AckOutcome.FAILED_RETRIABLE);
            assertThat(ack.errorCode()).isIn("TIMEOUT", "NO_TIME_LEFT");
            assertThat(ack.fenceEpoch()).isEqualTo(3L);
            assertThat(ack.time()).isBefore(fence.step().deadline());
            assertThat(silent.accepted()).isPositive();
        }
    }

    private static int closedPort() throws IOException {
        try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            return s.getLocalPort();
        }
    }

    /** Accepts connections and never answers: a broker whose region is cut off mid-way. */
    static final class SilentServer implements AutoCloseable {
        private final ServerSocket server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
        private final List<Socket> held = new CopyOnWriteArrayList<>();

        SilentServer() throws IOException {
            Thread acceptor = new Thread(
                    () -> {
                        while (!server.isClosed()) {
                            try {
                                held.add(server.accept());
                            } catch (IOException e) {
                                return;
                            }
                        }
                    },
                    "silent-semp");
            acceptor.setDaemon(true);
            acceptor.start();
        }

        int port() {
            return server.getLocalPort();
        }

        int accepted() {
            return held.size();
        }

        @Override
        public void close() throws IOException {
            server.close();
            for (Socket s : held) {
                s.close();
            }
        }
    }
}
