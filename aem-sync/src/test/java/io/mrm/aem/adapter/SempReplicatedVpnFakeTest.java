package io.mrm.aem.adapter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.mrm.aem.domain.FenceMark;
import io.mrm.aem.domain.VpnState;
import io.mrm.events.ack.ActuatorFailure;
import io.mrm.events.command.ReplicationRole;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** The real SEMP client (JDK HttpClient) against {@link SempV2Fake}. */
class SempReplicatedVpnFakeTest {

    static final String PASSWORD = "s3cret-semp-pw";
    final SempV2Fake fake;
    final HttpClient http = HttpClient.newBuilder()
            .connectTimeout(Duration.ofSeconds(2))
            .followRedirects(HttpClient.Redirect.NEVER)
            .build();

    SempReplicatedVpnFakeTest() throws IOException {
        fake = new SempV2Fake("mrm", PASSWORD).vpn("shop-eu10", "standby").vpn("odd name/#1", "active");
    }

    @AfterEach
    void stop() {
        fake.close();
    }

    SempReplicatedVpn vpn(String name, SempCredentials credentials) {
        return new SempReplicatedVpn(new SempV2Client(http, fake.baseUrl(), credentials, Duration.ofSeconds(2)), name);
    }

    SempReplicatedVpn vpn(String name) {
        return vpn(name, new SempCredentials.Basic("mrm", SecretReference.literal(PASSWORD)));
    }

    @Test
    void readsRoleBridgesAndTheReplicationQueueWithEncodedNames() throws Exception {
        fake.backlog("odd name/#1", 42, 0);

        VpnState state = vpn("odd name/#1").read();

        assertThat(state)
                .isEqualTo(
                        new VpnState("odd name/#1", "up", true, ReplicationRole.ACTIVE, true, true, 42L, 42L * 1024));
        assertThat(fake.requests())
                .contains(
                        "GET /SEMP/v2/monitor/msgVpns/odd%20name%2F%231",
                        "GET /SEMP/v2/monitor/msgVpns/odd%20name%2F%231/queues/%23MSGVPN_REPLICATION_DATA_QUEUE");
    }

    @Test
    void aBridgeThatIsDownReadsAsDownOnBothEnds() throws Exception {
        fake.linkUp("shop-eu10", false);

        VpnState state = vpn("shop-eu10").read();

        assertThat(state.bridgeUp()).isFalse();
        assertThat(state.bridge()).isEqualTo("down");
        assertThat(state.remoteBridgeUp()).isFalse();
    }

    @Test
    void setRolePatchesTheConfigApiAndTheMonitorShowsItAfterTheBrokersDelay() throws Exception {
        fake.roleVisibleAfterReads(2);
        SempReplicatedVpn vpn = vpn("shop-eu10");

        vpn.setRole(ReplicationRole.ACTIVE);

        assertThat(fake.requests()).contains("PATCH /SEMP/v2/config/msgVpns/shop-eu10");
        assertThat(vpn.read().role()).isEqualTo(ReplicationRole.STANDBY);
        assertThat(vpn.read().role()).isEqualTo(ReplicationRole.ACTIVE);
        assertThat(fake.roleChanges())
                .extracting(SempV2Fake.RoleChange::role, SempV2Fake.RoleChange::user)
                .containsExactly(org.assertj.core.groups.Tuple.tuple("active", "mrm"));
    }

    @Test
    void aWrongPasswordIsFatalWithSolacesCodeAndTheMessageHoldsNoSecret() {
        SempReplicatedVpn vpn = vpn("shop-eu10", new SempCredentials.Basic("mrm", SecretReference.literal("wrong-pw")));

        assertThatThrownBy(() -> vpn.setRole(ReplicationRole.ACTIVE))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isFalse();
                    assertThat(e.code()).isEqualTo("UNAUTHORIZED");
                    assertThat(e.getMessage())
                            .contains("HTTP 401", "SEMP error 72")
                            .doesNotContain("wrong-pw", PASSWORD);
                });
        assertThat(fake.role("shop-eu10")).isEqualTo("standby");
    }

    @Test
    void aBearerTokenFromASecretReferenceAuthenticates() throws Exception {
        fake.bearer("token-123");
        SempReplicatedVpn vpn = vpn(
                "shop-eu10",
                new SempCredentials.Bearer(SecretReference.env("SEMP_TOKEN", Map.of("SEMP_TOKEN", "token-123\n"))));

        assertThat(vpn.read().role()).isEqualTo(ReplicationRole.STANDBY);
    }

    @Test
    void aMissingCredentialIsFatalAndNamesTheReferenceOnly() {
        SempReplicatedVpn vpn =
                vpn("shop-eu10", new SempCredentials.Basic("mrm", SecretReference.env("NOT_SET_ANYWHERE", Map.of())));

        assertThatThrownBy(vpn::read).isInstanceOfSatisfying(ActuatorFailure.class, e -> {
            assertThat(e.retriable()).isFalse();
            assertThat(e.code()).isEqualTo("CREDENTIAL_UNAVAILABLE");
            assertThat(e.getMessage()).contains("environment variable NOT_SET_ANYWHERE is not set");
        });
        assertThat(fake.requests()).isEmpty();
    }

    @Test
    void anUnknownVpnIsFatalNotFound() {
        assertThatThrownBy(() -> vpn("nope").read()).isInstanceOfSatisfying(ActuatorFailure.class, e -> {
            assertThat(e.retriable()).isFalse();
            assertThat(e.code()).isEqualTo("NOT_FOUND");
            assertThat(e.getMessage()).contains("SEMP error 6 NOT_FOUND: Could not find match for msgVpnName nope");
        });
    }

    @Test
    void serverErrorsAndThrottlingAreRetriableWithSolacesStatus() {
        fake.fail(1, new SempV2Fake.Failure(503, 2, "FAIL", "Service temporarily unavailable"));
        assertThatThrownBy(() -> vpn("shop-eu10").setRole(ReplicationRole.ACTIVE))
                .isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                    assertThat(e.retriable()).isTrue();
                    assertThat(e.code()).isEqualTo("FAIL");
                });
        fake.fail(1, new SempV2Fake.Failure(429, 2, "FAIL", "Too many requests"));
        assertThatThrownBy(() -> vpn("shop-eu10").read())
                .isInstanceOfSatisfying(
                        ActuatorFailure.class, e -> assertThat(e.retriable()).isTrue());
    }

    @Test
    void aClosedPortIsARetriableConnectionRefusal() throws Exception {
        int port;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            port = socket.getLocalPort();
        }
        SempReplicatedVpn vpn = new SempReplicatedVpn(
                new SempV2Client(
                        http,
                        URI.create("http://127.0.0.1:" + port),
                        new SempCredentials.Basic("mrm", SecretReference.literal(PASSWORD)),
                        Duration.ofSeconds(2)),
                "shop-eu10");

        assertThatThrownBy(vpn::read).isInstanceOfSatisfying(ActuatorFailure.class, e -> {
            assertThat(e.retriable()).isTrue();
            assertThat(e.code()).isEqualTo("CONNECTION_REFUSED");
        });
    }

    @Test
    @Timeout(60)
    void aBrokerThatNeverAnswersIsARetriableTimeoutOfTheRequestTimeout() throws Exception {
        try (ServerSocket silent = new ServerSocket(0, 5, InetAddress.getLoopbackAddress())) {
            Thread acceptor = new Thread(() -> {
                try (Socket ignored = silent.accept()) {
                    ignored.getInputStream().readAllBytes(); // read and never answer
                } catch (IOException e) {
                    // closed
                }
            });
            acceptor.setDaemon(true);
            acceptor.start();
            SempReplicatedVpn vpn = new SempReplicatedVpn(
                    new SempV2Client(
                            http,
                            URI.create("http://127.0.0.1:" + silent.getLocalPort()),
                            new SempCredentials.Basic("mrm", SecretReference.literal(PASSWORD)),
                            Duration.ofMillis(300)),
                    "shop-eu10");

            // TIMEOUT is the request timeout's HttpTimeoutException: without one the read would never end
            // (the @Timeout would fail the test); how soon it fires is the JDK client's business
            assertThatThrownBy(vpn::read).isInstanceOfSatisfying(ActuatorFailure.class, e -> {
                assertThat(e.retriable()).isTrue();
                assertThat(e.code()).isEqualTo("TIMEOUT");
                assertThat(e.getMessage()).contains("within 300 ms");
            });
        }
    }

    @Test
    void fenceMarksAreQueuesCreatedOnceListedAcrossPagesAndDeletedIdempotently() throws Exception {
        fake.pageSize(2);
        SempReplicatedVpn vpn = vpn("shop-eu10");
        Instant created = Instant.ofEpochMilli(1_764_000_000_123L);
        FenceMark intent = FenceMark.intent(7, "aem-sync-0", created);

        vpn.create("shop", FenceMark.fence(5));
        vpn.create("shop", FenceMark.fence(7));
        vpn.create("shop", FenceMark.fence(7)); // ALREADY_EXISTS is no error
        vpn.create("shop", intent);
        vpn.create("other", FenceMark.fence(9));
        fake.addQueue("shop-eu10", "orders-in");

        assertThat(vpn.marks("shop")).containsExactlyInAnyOrder(FenceMark.fence(5), FenceMark.fence(7), intent);
        assertThat(fake.queueNames("shop-eu10"))
                .contains(
                        "mrm/shop/fence/0000000000000000007",
                        "mrm/shop/intent/0000000000000000007/aem-sync-0/1764000000123");

        vpn.delete("shop", intent);
        vpn.delete("shop", intent); // NOT_FOUND is no error
        assertThat(vpn.marks("shop")).containsExactlyInAnyOrder(FenceMark.fence(5), FenceMark.fence(7));
        assertThat(vpn.marks("other")).containsExactly(FenceMark.fence(9));
    }

    @Test
    void queueNamesOfOtherKindsAreNotMarks() {
        assertThat(SempReplicatedVpn.parse("shop", "mrm/shop/fence/12")).isEqualTo(FenceMark.fence(12));
        assertThat(SempReplicatedVpn.parse("shop", "mrm/shop/fence/x")).isNull();
        assertThat(SempReplicatedVpn.parse("shop", "mrm/shopping/fence/1")).isNull();
        assertThat(SempReplicatedVpn.parse("shop", "orders")).isNull();
    }
}
