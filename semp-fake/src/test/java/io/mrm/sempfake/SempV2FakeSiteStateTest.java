package io.mrm.sempfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One site's own state and the management port's faults, over plain HTTP: a VPN without replication, a VPN
 * shut down, the replication queue's spool usage and its removal, error statuses, a maintenance page and a
 * port that never answers.
 */
class SempV2FakeSiteStateTest {

    static final ObjectMapper JSON = new ObjectMapper();
    static final String VPN_PATH = "/SEMP/v2/monitor/msgVpns/shop";
    static final String QUEUE_PATH = VPN_PATH + "/queues/%23MSGVPN_REPLICATION_DATA_QUEUE";
    static final SempV2Fake.Failure UNAVAILABLE =
            new SempV2Fake.Failure(503, 2, "SERVICE_UNAVAILABLE", "the broker is busy");
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final SempV2Fake siteA;
    final SempV2Fake siteB;

    SempV2FakeSiteStateTest() throws Exception {
        siteA = new SempV2Fake("admin", "pw").vpn("shop", "active");
        siteB = new SempV2Fake("admin", "pw", siteA).vpn("shop", "standby");
        siteA.replicate("shop", siteB, "shop");
    }

    @AfterEach
    void stop() {
        siteA.close();
        siteB.close();
    }

    record Answer(int status, String contentType, String body) {
        JsonNode json() throws Exception {
            return JSON.readTree(body);
        }
    }

    HttpRequest.Builder get(SempV2Fake site, String path) {
        return HttpRequest.newBuilder(URI.create(site.baseUrl() + path))
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString("admin:pw".getBytes(StandardCharsets.UTF_8)));
    }

    Answer send(HttpRequest request) throws Exception {
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(
                response.statusCode(),
                response.headers().firstValue("Content-Type").orElse(""),
                response.body());
    }

    Answer send(SempV2Fake site, String path) throws Exception {
        return send(get(site, path).build());
    }

    @Test
    void aVpnWithoutReplicationSaysSoAndHasNoReplicationQueue() throws Exception {
        SempV2Fake plain = new SempV2Fake("admin", "pw").vpnWithoutReplication("shop");
        try {
            JsonNode vpn = send(plain, VPN_PATH).json().path("data");
            Answer queue = send(plain, QUEUE_PATH);

            assertThat(vpn.path("replicationEnabled").asBoolean(true)).isFalse();
            assertThat(vpn.path("replicationRole").asText()).isEqualTo("standby");
            assertThat(vpn.path("replicationBridgeUp").isBoolean()).isTrue();
            assertThat(vpn.path("replicationBridgeUp").asBoolean()).isFalse();
            assertThat(vpn.path("state").asText()).isEqualTo("up");
            assertThat(queue.status()).isEqualTo(400);
            assertThat(queue.json().path("meta").path("error").path("status").asText())
                    .isEqualTo("NOT_FOUND");
        } finally {
            plain.close();
        }
    }

    @Test
    void aShutDownVpnIsDownAndTakesItsPairsBridgeDown() throws Exception {
        siteA.enabled("shop", false);

        JsonNode a = send(siteA, VPN_PATH).json().path("data");
        JsonNode b = send(siteB, VPN_PATH).json().path("data");

        assertThat(a.path("enabled").asBoolean(true)).isFalse();
        assertThat(a.path("state").asText()).isEqualTo("down");
        assertThat(a.path("replicationBridgeUp").asBoolean(true)).isFalse();
        assertThat(b.path("state").asText()).isEqualTo("standby"); // the standby site is operationally standby
        assertThat(b.path("replicationBridgeUp").asBoolean(true)).isFalse();

        siteA.enabled("shop", true);
        assertThat(send(siteB, VPN_PATH)
                        .json()
                        .path("data")
                        .path("replicationBridgeUp")
                        .asBoolean())
                .isTrue();
    }

    @Test
    void theReplicationBacklogIsReadAsSpoolUsageInBytesWithTheSelectHealthMonitorSends() throws Exception {
        siteA.backlog("shop", 3, 0);

        JsonNode first =
                send(siteA, QUEUE_PATH + "?select=queueName,msgSpoolUsage").json();
        JsonNode second =
                send(siteA, QUEUE_PATH + "?select=queueName,msgSpoolUsage").json();

        assertThat(first.path("data").path("queueName").asText()).isEqualTo(SempV2Fake.REPLICATION_QUEUE);
        assertThat(first.path("data").path("msgSpoolUsage").asLong()).isEqualTo(3 * SempV2Fake.MESSAGE_BYTES);
        assertThat(first.path("data").has("spooledMsgCount")).as("not selected").isFalse();
        assertThat(first.path("collections").path("msgs").path("count").asLong())
                .isEqualTo(3);
        assertThat(second.path("data").path("msgSpoolUsage").asLong())
                .as("nothing drains at 0 per read")
                .isEqualTo(3 * SempV2Fake.MESSAGE_BYTES);
    }

    @Test
    void aRemovedReplicationQueueIsNotFoundAndNoLongerBoundWhileTheBridgeStaysUp() throws Exception {
        siteA.deleteQueue("shop", SempV2Fake.REPLICATION_QUEUE);

        Answer queue = send(siteA, QUEUE_PATH);
        JsonNode vpn = send(siteA, VPN_PATH).json().path("data");

        assertThat(queue.status()).isEqualTo(400);
        assertThat(queue.json().path("meta").path("responseCode").asInt()).isEqualTo(400);
        assertThat(queue.json().path("meta").path("error").path("description").asText())
                .isEqualTo("Could not find match for queueName #MSGVPN_REPLICATION_DATA_QUEUE");
        assertThat(vpn.path("replicationQueueBound").asBoolean(true)).isFalse();
        assertThat(vpn.path("replicationBridgeUp").asBoolean()).isTrue();
        assertThat(send(siteB, QUEUE_PATH).status())
                .as("the mate's own queue is untouched")
                .isEqualTo(200);
    }

    @Test
    void aDeletedQueueIsGoneOnBothSitesAndAnUnknownOneIsRefused() {
        siteA.addQueue("shop", "orders");
        siteA.deleteQueue("shop", "orders");

        assertThat(siteA.queueNames("shop")).isEmpty();
        assertThat(siteB.queueNames("shop")).isEmpty();
        assertThatThrownBy(() -> siteA.deleteQueue("shop", "orders")).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void anErrorStatusIsAnsweredWithSempsEnvelopeTheGivenNumberOfTimes() throws Exception {
        siteA.fail(2, UNAVAILABLE);

        Answer first = send(siteA, VPN_PATH);
        Answer second = send(siteA, VPN_PATH);
        Answer third = send(siteA, VPN_PATH);

        assertThat(first.status()).isEqualTo(503);
        assertThat(first.json().path("meta").path("responseCode").asInt()).isEqualTo(503);
        assertThat(first.json().path("meta").path("error").path("status").asText())
                .isEqualTo("SERVICE_UNAVAILABLE");
        assertThat(first.json().path("meta").path("error").path("description").asText())
                .isEqualTo("the broker is busy");
        assertThat(first.json().path("meta").path("request").path("method").asText())
                .isEqualTo("GET");
        assertThat(second.status()).isEqualTo(503);
        assertThat(third.status()).isEqualTo(200);
    }

    @Test
    void anErrorUntilClearedLastsUntilCleared() throws Exception {
        siteA.failUntilCleared(UNAVAILABLE);

        for (int i = 0; i < 5; i++) {
            assertThat(send(siteA, VPN_PATH).status()).isEqualTo(503);
        }
        assertThat(send(siteB, VPN_PATH).status()).as("only this site fails").isEqualTo(200);

        siteA.clearFaults();
        assertThat(send(siteA, VPN_PATH).status()).isEqualTo(200);
    }

    @Test
    void theMaintenancePageIsHtmlNotJsonAndAnsweredWithoutCredentials() throws Exception {
        siteA.answerMaintenancePage();

        Answer anonymous = send(
                HttpRequest.newBuilder(URI.create(siteA.baseUrl() + VPN_PATH)).build());

        assertThat(anonymous.status()).isEqualTo(200);
        assertThat(anonymous.contentType()).startsWith("text/html");
        assertThat(anonymous.body()).startsWith("<!DOCTYPE html>");
        assertThatThrownBy(anonymous::json).isInstanceOf(java.io.IOException.class);

        siteA.clearFaults();
        assertThat(send(siteA, VPN_PATH).status()).isEqualTo(200);
    }

    @Test
    void aHangingPortTakesTheRequestAndAnswersOnlyWhenCleared() throws Exception {
        siteA.hang();

        // a request with a deadline runs into it: the port never answers (a lower bound only)
        assertThatThrownBy(() ->
                        send(get(siteA, VPN_PATH).timeout(Duration.ofSeconds(1)).build()))
                .isInstanceOf(HttpTimeoutException.class);
        CompletableFuture<HttpResponse<String>> waiting =
                http.sendAsync(get(siteA, QUEUE_PATH).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> siteA.requests().contains("GET " + QUEUE_PATH));
        assertThat(send(siteB, VPN_PATH).status())
                .as("the hung site holds no lock its mate needs")
                .isEqualTo(200);
        assertThat(waiting).isNotDone();

        siteA.clearFaults();

        assertThat(waiting.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
        assertThat(send(siteA, VPN_PATH).status()).isEqualTo(200);
    }

    @Test
    void closingAHangingPortLeavesItsRequestUnanswered() throws Exception {
        siteA.hang();
        CompletableFuture<HttpResponse<String>> waiting =
                http.sendAsync(get(siteA, VPN_PATH).build(), HttpResponse.BodyHandlers.ofString());
        await().atMost(Duration.ofSeconds(30)).until(() -> siteA.requests().contains("GET " + VPN_PATH));

        siteA.close();

        assertThatThrownBy(() -> waiting.get(30, TimeUnit.SECONDS)).isInstanceOf(ExecutionException.class);
    }
}
