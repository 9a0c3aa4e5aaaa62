package io.mrm.sempfake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

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

/**
 * The SEMP user's access levels as the monitor's AboutService reports them and as the broker enforces
 * them, and the monitor read of a configured queue, over plain HTTP.
 */
class SempV2FakeUserAccessTest {

    static final ObjectMapper JSON = new ObjectMapper();
    final HttpClient http =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    final SempV2Fake site;

    SempV2FakeUserAccessTest() throws Exception {
        site = new SempV2Fake("admin", "pw")
                .vpn("shop", "standby")
                .user("viewer", "pw")
                .access("viewer", "read-only", "read-only")
                .user("outsider", "pw")
                .access("outsider", "none", "none");
    }

    @AfterEach
    void stop() {
        site.close();
    }

    record Answer(int status, JsonNode body) {}

    Answer send(String user, String method, String path, String body) throws Exception {
        HttpRequest request = HttpRequest.newBuilder(URI.create(site.baseUrl() + path))
                .header(
                        "Authorization",
                        "Basic " + Base64.getEncoder().encodeToString((user + ":pw").getBytes(StandardCharsets.UTF_8)))
                .header("Content-Type", "application/json")
                .method(
                        method,
                        body == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body))
                .build();
        HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
        return new Answer(response.statusCode(), JSON.readTree(response.body()));
    }

    @Test
    void theMonitorReportsEachUsersGlobalAndVpnAccessLevel() throws Exception {
        assertThat(send("admin", "GET", "/SEMP/v2/monitor/about/user", null)
                        .body()
                        .path("data")
                        .path("globalAccessLevel")
                        .asText())
                .isEqualTo("admin");
        assertThat(send("admin", "GET", "/SEMP/v2/monitor/about/user/msgVpns/shop?select=accessLevel", null)
                        .body()
                        .path("data")
                        .path("accessLevel")
                        .asText())
                .isEqualTo("read-write");
        assertThat(send("viewer", "GET", "/SEMP/v2/monitor/about/user?select=globalAccessLevel", null)
                        .body()
                        .path("data")
                        .path("globalAccessLevel")
                        .asText())
                .isEqualTo("read-only");
        assertThat(send("viewer", "GET", "/SEMP/v2/monitor/about/user/msgVpns/shop", null)
                        .body()
                        .path("data")
                        .path("accessLevel")
                        .asText())
                .isEqualTo("read-only");
        assertThat(send("admin", "GET", "/SEMP/v2/monitor/about/user/msgVpns/nope", null)
                        .status())
                .isEqualTo(400);
    }

    @Test
    void aRoleChangeNeedsGlobalReadWriteAndIsRefusedWith403Otherwise() throws Exception {
        Answer refused = send("viewer", "PATCH", "/SEMP/v2/config/msgVpns/shop", "{\"replicationRole\":\"active\"}");

        assertThat(refused.status()).isEqualTo(403);
        assertThat(refused.body().path("meta").path("responseCode").asInt()).isEqualTo(403);
        assertThat(refused.body().path("meta").path("error").path("description").asText())
                .contains("global/read-write");
        assertThat(site.role("shop")).isEqualTo("standby");
        assertThat(site.roleChanges()).isEmpty();

        assertThat(send("admin", "PATCH", "/SEMP/v2/config/msgVpns/shop", "{\"replicationRole\":\"active\"}")
                        .status())
                .isEqualTo(200);
        assertThat(site.role("shop")).isEqualTo("active");
    }

    @Test
    void readsNeedVpnReadOnlyAndQueueWritesVpnReadWrite() throws Exception {
        assertThat(send("outsider", "GET", "/SEMP/v2/monitor/msgVpns/shop", null)
                        .status())
                .isEqualTo(403);
        assertThat(send("viewer", "GET", "/SEMP/v2/monitor/msgVpns/shop", null).status())
                .isEqualTo(200);
        assertThat(send("viewer", "POST", "/SEMP/v2/config/msgVpns/shop/queues", "{\"queueName\":\"q1\"}")
                        .status())
                .isEqualTo(403);
        assertThat(site.queueNames("shop")).isEmpty();
    }

    @Test
    void aConfiguredQueueIsReadFromTheMonitorWithItsIngressAndEgress() throws Exception {
        site.addQueue("shop", "probe", true, false);

        JsonNode probe = send(
                        "admin",
                        "GET",
                        "/SEMP/v2/monitor/msgVpns/shop/queues/probe?select=queueName,ingressEnabled,egressEnabled",
                        null)
                .body()
                .path("data");

        assertThat(probe.path("queueName").asText()).isEqualTo("probe");
        assertThat(probe.path("ingressEnabled").asBoolean(false)).isTrue();
        assertThat(probe.path("egressEnabled").asBoolean(true)).isFalse();
        assertThat(send("admin", "GET", "/SEMP/v2/monitor/msgVpns/shop/queues/other", null)
                        .body()
                        .path("meta")
                        .path("error")
                        .path("status")
                        .asText())
                .isEqualTo("NOT_FOUND");
        assertThatThrownBy(() -> site.access("admin", "superuser", "read-write"))
                .isInstanceOf(IllegalArgumentException.class);
    }
}
