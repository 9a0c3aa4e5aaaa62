package io.mrm.sempfake;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** The fake's replicated pair over plain HTTP: two brokers, one VPN each, coupled. */
class SempV2FakePairTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    final SempV2Fake siteA;
    final SempV2Fake siteB;

    SempV2FakePairTest() throws Exception {
        siteA = new SempV2Fake("admin", "pw").vpn("shop", "active");
        siteB = new SempV2Fake("admin", "pw", siteA).vpn("shop", "standby");
        siteA.replicate("shop", siteB, "shop");
    }

    @AfterEach
    void stop() {
        siteA.close();
        siteB.close();
    }

    record Answer(int status, JsonNode body) {}

    Answer send(SempV2Fake site, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(site.baseUrl() + path))
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    JsonNode monitor(SempV2Fake site) throws Exception {
        Answer answer = send(site, "GET", "/SEMP/v2/monitor/msgVpns/shop", null);
        assertThat(answer.status()).isEqualTo(200);
        assertThat(answer.body().path("meta").path("responseCode").asInt()).isEqualTo(200);
        return answer.body().path("data");
    }

    @Test
    void anActiveStandbyPairReportsOneBridgeStateUpOnBothSites() throws Exception {
        assertThat(monitor(siteA).path("replicationBridgeUp").asBoolean()).isTrue();
        assertThat(monitor(siteA).path("replicationRole").asText()).isEqualTo("active");
        assertThat(monitor(siteB).path("replicationBridgeUp").asBoolean()).isTrue();
        assertThat(monitor(siteB).path("replicationRemoteBridgeUp").asBoolean()).isTrue();
    }

    @Test
    void bothActiveIsASplitBrainWithTheBridgeDownAndPresentAsFalseOnBothSites() throws Exception {
        Answer patched = send(siteB, "PATCH", "/SEMP/v2/config/msgVpns/shop", "{\"replicationRole\":\"active\"}");

        assertThat(patched.status())
                .as("the broker takes its own role whatever the mate holds")
                .isEqualTo(200);
        assertThat(monitor(siteA).path("replicationBridgeUp").isBoolean()).isTrue();
        assertThat(monitor(siteA).path("replicationBridgeUp").asBoolean()).isFalse();
        assertThat(monitor(siteB).path("replicationBridgeUp").asBoolean()).isFalse();
        assertThat(monitor(siteB).path("replicationRemoteBridgeUp").asBoolean()).isFalse();
    }

    @Test
    void bothStandbyKeepsTheBridgeSoAControlledFailoverDrainsTheOldActivesQueue() throws Exception {
        siteA.backlog("shop", 30, 10);
        send(siteA, "PATCH", "/SEMP/v2/config/msgVpns/shop", "{\"replicationRole\":\"standby\"}");

        assertThat(monitor(siteA).path("replicationBridgeUp").asBoolean()).isTrue();
        long count = 30;
        for (int read = 0; read < 3; read++) {
            count = send(siteA, "GET", "/SEMP/v2/monitor/msgVpns/shop/queues/%23MSGVPN_REPLICATION_DATA_QUEUE", null)
                    .body()
                    .path("collections")
                    .path("msgs")
                    .path("count")
                    .asLong();
        }
        assertThat(count).isZero();
    }

    @Test
    void aStoppedSiteTakesTheBridgeDownOnItsMate() throws Exception {
        siteA.stop();

        assertThat(monitor(siteB).path("replicationBridgeUp").asBoolean()).isFalse();
        assertThat(siteB.bridgeUp("shop")).isFalse();
    }

    @Test
    void aQueueCreatedOnTheActiveSiteAppearsOnTheStandbyAndItsDeletionToo() throws Exception {
        Answer created =
                send(siteA, "POST", "/SEMP/v2/config/msgVpns/shop/queues", "{\"queueName\":\"mrm/shop/fence/1\"}");

        assertThat(created.status()).isEqualTo(200);
        assertThat(siteB.queueNames("shop")).containsExactly("mrm/shop/fence/1");
        assertThat(send(siteB, "GET", "/SEMP/v2/config/msgVpns/shop/queues?where=queueName%3D%3Dmrm%2Fshop%2F*", null)
                        .body()
                        .path("data")
                        .get(0)
                        .path("queueName")
                        .asText())
                .isEqualTo("mrm/shop/fence/1");

        send(siteA, "DELETE", "/SEMP/v2/config/msgVpns/shop/queues/mrm%2Fshop%2Ffence%2F1", null);
        assertThat(siteB.queueNames("shop")).isEmpty();
    }

    @Test
    void aQueueCreatedOnTheStandbyOrWhileTheLinkIsDownStaysLocal() throws Exception {
        send(siteB, "POST", "/SEMP/v2/config/msgVpns/shop/queues", "{\"queueName\":\"on-standby\"}");
        siteA.linkUp("shop", false);
        send(siteA, "POST", "/SEMP/v2/config/msgVpns/shop/queues", "{\"queueName\":\"while-cut\"}");

        assertThat(siteA.queueNames("shop")).containsExactly("while-cut");
        assertThat(siteB.queueNames("shop")).containsExactly("on-standby");
        assertThat(monitor(siteB).path("replicationBridgeUp").asBoolean()).isFalse();
    }

    @Test
    void errorsUseSolacesEnvelope() throws Exception {
        Answer missing = send(siteA, "GET", "/SEMP/v2/monitor/msgVpns/nope", null);
        Answer badRole = send(siteA, "PATCH", "/SEMP/v2/config/msgVpns/shop", "{\"replicationRole\":\"primary\"}");
        Answer badSelect = send(siteA, "GET", "/SEMP/v2/monitor/msgVpns/shop?select=replicationWhatever", null);
        Answer twice = send(siteA, "POST", "/SEMP/v2/config/msgVpns/shop/queues", "{\"queueName\":\"q\"}");
        twice = send(siteA, "POST", "/SEMP/v2/config/msgVpns/shop/queues", "{\"queueName\":\"q\"}");

        assertThat(missing.status()).isEqualTo(400);
        assertThat(missing.body().path("meta").path("responseCode").asInt()).isEqualTo(400);
        assertThat(missing.body().path("meta").path("error").path("status").asText())
                .isEqualTo("NOT_FOUND");
        assertThat(badRole.body().path("meta").path("error").path("status").asText())
                .isEqualTo("INVALID_PARAMETER");
        assertThat(siteA.role("shop")).isEqualTo("active");
        assertThat(badSelect.status()).isEqualTo(400);
        assertThat(twice.body().path("meta").path("error").path("status").asText())
                .isEqualTo("ALREADY_EXISTS");
    }

    @Test
    void servesTheTwoRequestsHealthMonitorsSempProbeSends() throws Exception {
        JsonNode vpn = send(
                        siteB,
                        "GET",
                        "/SEMP/v2/monitor/msgVpns/shop"
                                + "?select=msgVpnName,state,replicationEnabled,replicationRole,replicationBridgeUp",
                        null)
                .body();
        JsonNode queue = send(
                        siteB,
                        "GET",
                        "/SEMP/v2/monitor/msgVpns/shop/queues/%23MSGVPN_REPLICATION_DATA_QUEUE"
                                + "?select=queueName,msgSpoolUsage",
                        null)
                .body();

        assertThat(vpn.path("data").path("state").asText()).isEqualTo("standby");
        assertThat(vpn.path("data").path("replicationRole").asText()).isEqualTo("standby");
        assertThat(vpn.path("data").has("replicationRemoteBridgeUp")).isFalse();
        assertThat(queue.path("data").path("msgSpoolUsage").isNumber()).isTrue();
    }
}
