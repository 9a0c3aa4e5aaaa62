package io.mrm.health.adapter.probe;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.observation.HealthStatus;
import io.mrm.health.domain.ProbeResult;
import io.mrm.kafka.SecretReference;
import io.mrm.sempfake.SempV2Fake;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The AEM / Solace probe against {@link SempV2Fake}, the project's fake of Solace's SEMP v2 API: a replicated
 * pair of two brokers (site A active, site B standby, VPN {@code shop} on each) whose bridge state the fake
 * derives from both sites, plus a VPN without replication on site A.
 */
class SempProbeFakeTest {

    /** Timeouts of the probes that do get an answer: generous, so that a busy machine cannot make one time out. */
    static final Duration TIMEOUT = Duration.ofSeconds(10);
    /** How long a test waits for a probe's result beyond the probe's own deadline (a busy machine's room). */
    static final Duration ROOM = Duration.ofSeconds(20);

    static final Map<String, String> ENV = Map.of("MRM_TEST_SEMP_PASSWORD", "s3mp-secret");
    static final String VPN_REQUEST = "GET /SEMP/v2/monitor/msgVpns/shop";
    static final String QUEUE_REQUEST = "GET /SEMP/v2/monitor/msgVpns/shop/queues/%23MSGVPN_REPLICATION_DATA_QUEUE";

    final HttpClients clients = new HttpClients();
    SempV2Fake siteA;
    SempV2Fake siteB;

    @BeforeEach
    void start() throws Exception {
        siteA = new SempV2Fake("mrm-monitor", "s3mp-secret")
                .vpn("shop", "active")
                .vpnWithoutReplication("plain");
        siteB = new SempV2Fake("mrm-monitor", "s3mp-secret", siteA).vpn("shop", "standby");
        siteA.replicate("shop", siteB, "shop");
    }

    @AfterEach
    void stop() {
        siteA.close();
        siteB.close();
    }

    @Test
    void aStandbySiteWhoseVpnIsOperationallyStandbyIsUpAndNamesItsRole() throws Exception {
        siteB.backlog("shop", 2, 0);

        ProbeResult result = probe(settings(siteB, "shop", 1_000_000));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail())
                .isEqualTo("message VPN shop standby; replication role standby, bridge up, "
                        + "replication backlog 2048 bytes");
        assertThat(siteB.requests()).containsExactlyInAnyOrder(VPN_REQUEST, QUEUE_REQUEST);
    }

    @Test
    void aBridgeThatIsDownBecauseTheLinkIsCutIsDegraded() throws Exception {
        siteA.linkUp("shop", false);

        ProbeResult result = probe(settings(siteA, "shop", 1_000_000));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail())
                .isEqualTo(
                        "message VPN shop up; replication role active, bridge DOWN, " + "replication backlog 0 bytes");
    }

    @Test
    void aBridgeThatIsDownBecauseTheMateIsGoneIsDegraded() throws Exception {
        siteB.stop();

        ProbeResult result = probe(settings(siteA, "shop", 1_000_000));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail())
                .isEqualTo(
                        "message VPN shop up; replication role active, bridge DOWN, " + "replication backlog 0 bytes");
    }

    @Test
    void bothSitesActiveIsASplitBrainWithTheBridgeDownAndDegradedOnBothSites() throws Exception {
        // an uncontrolled failover: site B is made active while site A still is
        assertThat(patchRole(siteB, "active")).isEqualTo(200);

        ProbeResult a = probe(settings(siteA, "shop", 1_000_000));
        ProbeResult b = probe(settings(siteB, "shop", 1_000_000));

        assertThat(a.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(b.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(b.detail()).startsWith("message VPN shop up; replication role active, bridge DOWN");
    }

    @Test
    void aBacklogOverTheMaximumIsDegraded() throws Exception {
        siteA.backlog("shop", 4883, 0); // 4883 * 1024 = 5,000,192 bytes

        ProbeResult over = probe(settings(siteA, "shop", 5_000_191));
        ProbeResult atTheMaximum = probe(settings(siteA, "shop", 5_000_192));

        assertThat(over.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(over.detail()).endsWith("replication backlog 5000192 bytes, over the maximum of 5000191");
        assertThat(atTheMaximum.status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aVpnWithoutReplicationIsUpWhenItIsUp() throws Exception {
        ProbeResult result = probe(settings(siteA, "plain", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.UP);
        assertThat(result.detail()).isEqualTo("message VPN plain up; replication not enabled");
    }

    @Test
    void aVpnThatIsNotUpIsDown() throws Exception {
        siteA.enabled("plain", false);

        ProbeResult result = probe(settings(siteA, "plain", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("message VPN plain is down");
    }

    @Test
    void anUnknownVpnIsDownWithSempsOwnDescription() throws Exception {
        ProbeResult result = probe(settings(siteA, "nope", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("SEMP GET msgVpns/nope: HTTP 400 (Could not find match for msgVpnName nope)");
    }

    @Test
    void aWrongPasswordIsDownAndTheDetailDoesNotContainIt() throws Exception {
        SempProbe.Settings wrong = new SempProbe.Settings(
                siteA.baseUrl(),
                "shop",
                "mrm-monitor",
                SecretReference.env("PW", Map.of("PW", "guess")),
                0,
                TIMEOUT,
                TIMEOUT);

        ProbeResult result = probe(wrong);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("SEMP GET msgVpns/shop: HTTP 401 (Unauthorized)")
                .doesNotContain("guess");
    }

    @Test
    void aMissingPasswordIsDownNamingTheReference() throws Exception {
        SempProbe.Settings missing = new SempProbe.Settings(
                siteA.baseUrl(),
                "shop",
                "mrm-monitor",
                SecretReference.env("MRM_UNSET", Map.of()),
                0,
                TIMEOUT,
                TIMEOUT);

        ProbeResult result = probe(missing);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("SEMP credential not available: environment variable MRM_UNSET is not set");
        assertThat(siteA.requests()).isEmpty();
    }

    @Test
    void aServerErrorOrABodyThatIsNotSempIsDown() throws Exception {
        siteA.failUntilCleared(new SempV2Fake.Failure(503, 2, "SERVICE_UNAVAILABLE", "Service Unavailable"));
        ProbeResult error = probe(settings(siteA, "shop", 0));

        siteA.clearFaults();
        siteA.answerMaintenancePage();
        ProbeResult garbage = probe(settings(siteA, "shop", 0));

        siteA.clearFaults();
        ProbeResult recovered = probe(settings(siteA, "shop", 0));

        assertThat(error.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(error.detail()).isEqualTo("SEMP GET msgVpns/shop: HTTP 503 (Service Unavailable)");
        assertThat(garbage.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(garbage.detail()).isEqualTo("SEMP GET msgVpns/shop: HTTP 200, body is not JSON");
        assertThat(recovered.status()).isEqualTo(HealthStatus.UP);
    }

    @Test
    void aMissingReplicationQueueIsDegraded() throws Exception {
        siteA.deleteQueue("shop", SempV2Fake.REPLICATION_QUEUE);

        ProbeResult result = probe(settings(siteA, "shop", 0));

        assertThat(result.status()).isEqualTo(HealthStatus.DEGRADED);
        assertThat(result.detail())
                .isEqualTo("message VPN shop up; replication role active, bridge up, replication "
                        + "backlog unknown (GET queues/#MSGVPN_REPLICATION_DATA_QUEUE: HTTP 400 (Could not find match for "
                        + "queueName #MSGVPN_REPLICATION_DATA_QUEUE))");
    }

    @Test
    void aBrokerThatDoesNotAnswerIsDownAfterTheDeadline() throws Exception {
        siteA.hang();

        // short timeouts: these must fire
        Duration second = Duration.ofSeconds(1);
        ProbeResult result = probe(new SempProbe.Settings(
                siteA.baseUrl(),
                "shop",
                "mrm-monitor",
                SecretReference.env("MRM_TEST_SEMP_PASSWORD", ENV),
                0,
                second,
                second));

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail())
                .isEqualTo("SEMP read timeout: no answer from 127.0.0.1:"
                        + siteA.baseUrl().getPort() + " within 2000 ms");
        assertThat(result.latency()).isGreaterThanOrEqualTo(Duration.ofSeconds(2));
    }

    @Test
    void aRefusedConnectionIsDown() throws Exception {
        int closed;
        try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
            closed = socket.getLocalPort();
        }
        SempProbe.Settings nowhere = new SempProbe.Settings(
                URI.create("http://127.0.0.1:" + closed),
                "shop",
                "mrm-monitor",
                SecretReference.env("MRM_TEST_SEMP_PASSWORD", ENV),
                0,
                TIMEOUT,
                TIMEOUT);

        ProbeResult result = probe(nowhere);

        assertThat(result.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(result.detail()).isEqualTo("SEMP cannot connect to 127.0.0.1:" + closed + ": connection refused");
    }

    /** What an operator's SEMP client sends to change a site's role; the HTTP status. */
    private static int patchRole(SempV2Fake site, String role) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(site.baseUrl() + "/SEMP/v2/config/msgVpns/shop"))
                .header(
                        "Authorization",
                        "Basic "
                                + Base64.getEncoder()
                                        .encodeToString("mrm-monitor:s3mp-secret".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method("PATCH", HttpRequest.BodyPublishers.ofString("{\"replicationRole\":\"" + role + "\"}"))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private SempProbe.Settings settings(SempV2Fake site, String vpn, long maxBacklog) {
        return new SempProbe.Settings(
                site.baseUrl(),
                vpn,
                "mrm-monitor",
                SecretReference.env("MRM_TEST_SEMP_PASSWORD", ENV),
                maxBacklog,
                TIMEOUT,
                TIMEOUT);
    }

    private ProbeResult probe(SempProbe.Settings settings) throws Exception {
        return new SempProbe(clients.withConnectTimeout(settings.connectTimeout()), settings)
                .probe()
                .toCompletableFuture()
                .get(settings.deadline().plus(ROOM).toMillis(), TimeUnit.MILLISECONDS);
    }
}
