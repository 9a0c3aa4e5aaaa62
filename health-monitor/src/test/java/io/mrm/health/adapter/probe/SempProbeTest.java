package io.mrm.health.adapter.probe;

import io.mrm.kafka.SecretReference;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The AEM / Solace probe against {@link SempV2MonitorFake}, a local fake of the SEMP v2 monitor API. */
class SempProbeTest {

    /** Timeouts of the probes that do get an answer: generous, so that a busy machine cannot make one time out. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a test waits for a probe's result beyond the probe's own deadline (a busy machine's room). */
    static final Duration ROOM = Duration.ofSeconds(20);
    static final Map<String, String> ENV = Map.of("MRM_TEST_SEMP_PASSWORD", "s3mp-secret");

    final HttpClients clients = new HttpClients();
    SempV2MonitorFake broker;

    @BeforeEach
    void start() throws Exception {
        broker = new SempV2MonitorFake("mrm-monitor", "s3mp-secret");
    }

    @AfterEach
    void stop() {
        broker.close();
    }

    @Test
    void aReplicatingVpnWithItsBridgeUpIsUpAndNamesItsRole() throws Exception {
        broker.replicatingVpn("shop", "standby", true, 2048);

        ProbeResult result = probe(settings("shop", 1_000_000));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("message VPN shop up; replication role standby, bridge up, "
                + "replication backlog 2048 bytes");
        assertThat(broker.requestedRawPaths).containsExactlyInAnyOrder(
                "/SEMP/v2/monitor/msgVpns/shop",
                "/SEMP/v2/monitor/msgVpns/shop/queues/%23MSGVPN_REPLICATION_DATA_QUEUE");
    }

    @Test
    void aBridgeThatIsDownIsDegraded() throws Exception {
        broker.replicatingVpn("shop", "active", false, 0);

        ProbeResult result = probe(settings("shop", 1_000_000));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail()).isEqualTo("message VPN shop up; replication role active, bridge DOWN, "
                + "replication backlog 0 bytes");
    }

    @Test
    void aBacklogOverTheMaximumIsDegraded() throws Exception {
        broker.replicatingVpn("shop", "active", true, 5_000_001);

        ProbeResult result = probe(settings("shop", 5_000_000));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail()).endsWith("replication backlog 5000001 bytes, over the maximum of 5000000");
    }

    @Test
    void aVpnWithoutReplicationIsUpWhenItIsUp() throws Exception {
        broker.plainVpn("shop", "up");

        ProbeResult result = probe(settings("shop", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("message VPN shop up; replication not enabled");
    }

    @Test
    void aVpnThatIsNotUpIsDown() throws Exception {
        broker.plainVpn("shop", "down");

        ProbeResult result = probe(settings("shop", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("message VPN shop is down");
    }

    @Test
    void anUnknownVpnIsDownWithSempsOwnDescription() throws Exception {
        ProbeResult result = probe(settings("nope", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("SEMP GET msgVpns/nope: HTTP 400 (Could not find match for msgVpnName nope)");
    }

    @Test
    void aWrongPasswordIsDownAndTheDetailDoesNotContainIt() throws Exception {
        broker.replicatingVpn("shop", "active", true, 0);
        SempProbe.Settings wrong = new SempProbe.Settings(broker.baseUrl(), "shop", "mrm-monitor",
                SecretReference.env("PW", Map.of("PW", "guess")), 0, TIMEOUT, TIMEOUT);

        ProbeResult result = probe(wrong);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("SEMP GET msgVpns/shop: HTTP 401 (Unauthorized)")
                .doesNotContain("guess");
    }

    @Test
    void aMissingPasswordIsDownNamingTheReference() throws Exception {
        SempProbe.Settings missing = new SempProbe.Settings(broker.baseUrl(), "shop", "mrm-monitor",
                SecretReference.env("MRM_UNSET", Map.of()), 0, TIMEOUT, TIMEOUT);

        ProbeResult result = probe(missing);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("SEMP credential not available: environment variable MRM_UNSET is not set");
        assertThat(broker.requestedRawPaths).isEmpty();
    }

    @Test
    void aServerErrorOrABodyThatIsNotSempIsDown() throws Exception {
        broker.replicatingVpn("shop", "active", true, 0);
        broker.failWithStatus = 503;
        assertThat(probe(settings("shop", 0)).detail()).isEqualTo("SEMP GET msgVpns/shop: HTTP 503 (Internal error)");

        broker.failWithStatus = null;
        broker.answerGarbage = true;
        ProbeResult garbage = probe(settings("shop", 0));

        assertThat(garbage.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(garbage.detail()).isEqualTo("SEMP GET msgVpns/shop: HTTP 200, body is not JSON");
    }

    @Test
    void aMissingReplicationQueueIsDegraded() throws Exception {
        broker.replicatingVpn("shop", "active", true, 0);
        broker.dropQueue("shop", SempV2MonitorFake.REPLICATION_QUEUE);

        ProbeResult result = probe(settings("shop", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail()).isEqualTo("message VPN shop up; replication role active, bridge up, replication "
                + "backlog unknown (GET queues/#MSGVPN_REPLICATION_DATA_QUEUE: HTTP 400 (Could not find match for "
                + "queueName #MSGVPN_REPLICATION_DATA_QUEUE in msgVpnName shop))");
    }

    @Test
    void aBrokerThatDoesNotAnswerIsDownAfterTheDeadline() throws Exception {
        broker.replicatingVpn("shop", "active", true, 0);
        broker.hang = true;

        // short timeouts: these must fire
        Duration second = Duration.ofSeconds(1);
        ProbeResult result = probe(new SempProbe.Settings(broker.baseUrl(), "shop", "mrm-monitor",
                SecretReference.env("MRM_TEST_SEMP_PASSWORD", ENV), 0, second, second));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("SEMP read timeout: no answer from 127.0.0.1:"
                + broker.baseUrl().getPort() + " within 2000 ms");
        assertThat(result.latency()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRefusedConnectionIsDown() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        SempProbe.Settings nowhere = new SempProbe.Settings(URI.create("http://127.0.0.1:" + closed), "shop",
                "mrm-monitor", SecretReference.env("MRM_TEST_SEMP_PASSWORD", ENV), 0, TIMEOUT, TIMEOUT);

        ProbeResult result = probe(nowhere);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("SEMP cannot connect to 127.0.0.1:" + closed + ": connection refused");
    }

    private SempProbe.Settings settings(String vpn, long maxBacklog) {
        return new SempProbe.Settings(broker.baseUrl(), vpn, "mrm-monitor",
                SecretReference.env("MRM_TEST_SEMP_PASSWORD", ENV), maxBacklog, TIMEOUT, TIMEOUT);
    }

    private ProbeResult probe(SempProbe.Settings settings) throws Exception {
        return new SempProbe(clients.withConnectTimeout(settings.connectTimeout()), settings).probe()
                .toCompletableFuture().get(settings.deadline().plus(ROOM).toMillis(), TimeUnit.MILLISECONDS);
    }
}
