package io.mrm.health.adapter;

import io.mrm.kafka.SecretReference;
import static org.assertj.core.api.Assertions.assertThat;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.domain.AlertRoute;
import io.mrm.health.domain.AlertRouter;
import io.mrm.health.domain.ObservationSink;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.http.MediaType;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;

/** The alert webhook through Spring MVC (MockMvc), with a recording sink in place of Kafka. */
class AlertWebhookControllerTest {

    static final String TOKEN = "alert-token-123";
    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    static final List<AlertRoute> ROUTES = List.of(
            new AlertRoute("ShopRegionDown", Map.of("region", "a"), "shop", "region-a", "app"),
            new AlertRoute("ShopRegionDown", Map.of("region", "b"), "shop", "region-b", "app"),
            new AlertRoute("ShopDbBacklog", Map.of(), "shop", "region-a", "db"));

    final List<HealthObservation> published = new CopyOnWriteArrayList<>();
    final AtomicReference<RuntimeException> publishFailure = new AtomicReference<>();
    final ObservationSink sink = observation -> {
        if (publishFailure.get() != null) {
            return CompletableFuture.failedFuture(publishFailure.get());
        }
        published.add(observation);
        return CompletableFuture.completedFuture(null);
    };

    @Test
    void alertmanagerFiringIsDownResolvedIsUpAndUnmatchedAlertsAreCounted() throws Exception {
        call(bearer(), "/alerts/alertmanager", alertmanager(
                alert("firing", "ShopRegionDown", "a", "region-a answers 503"),
                alert("resolved", "ShopRegionDown", "b", null),
                alert("firing", "DiskFull", "a", "not ours")))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.alerts").value(3))
                .andExpect(jsonPath("$.observations").value(2))
                .andExpect(jsonPath("$.unmatched").value(1));

        assertThat(published).hasSize(2);
        HealthObservation down = published.get(0);
        assertThat(down.applicationId()).isEqualTo("shop");
        assertThat(down.region()).isEqualTo("region-a");
        assertThat(down.component()).isEqualTo("app");
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.probe()).isEqualTo(ProbeKind.ALERT_WEBHOOK);
        assertThat(down.vantage()).isEqualTo("alertmanager");
        assertThat(down.time()).isEqualTo(NOW);
        assertThat(down.detail()).isEqualTo("alertmanager alert ShopRegionDown firing: region-a answers 503");
        assertThat(published.get(1).region()).isEqualTo("region-b");
        assertThat(published.get(1).status()).isEqualTo(HealthStatus.UP);
        assertThat(published.get(1).detail()).isEqualTo("alertmanager alert ShopRegionDown resolved");
    }

    @Test
    void azureMonitorFiredIsDownAndResolvedIsUp() throws Exception {
        call(bearer(), "/alerts/azure-monitor", azure("ShopDbBacklog", "Fired"))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.observations").value(1));
        call(bearer(), "/alerts/azure-monitor", azure("ShopDbBacklog", "Resolved"))
                .andExpect(status().isAccepted());

        assertThat(published).extracting(HealthObservation::status).containsExactly(HealthStatus.DOWN, HealthStatus.UP);
        assertThat(published).allSatisfy(o -> {
            assertThat(o.region()).isEqualTo("region-a");
            assertThat(o.component()).isEqualTo("db");
            assertThat(o.vantage()).isEqualTo("azure-monitor");
        });
        assertThat(published.get(0).detail()).isEqualTo("azure-monitor alert ShopDbBacklog firing: HANA backlog high");
    }

    @Test
    void azureCustomPropertiesMatchLikeLabels() throws Exception {
        String body = """
                {"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertRule":"ShopRegionDown",
                "severity":"Sev1","monitorCondition":"Fired","description":"region b"},
                "alertContext":{},"customProperties":{"region":"b"}}}""";

        call(bearer(), "/alerts/azure-monitor", body).andExpect(status().isAccepted());

        assertThat(published).singleElement().satisfies(o -> assertThat(o.region()).isEqualTo("region-b"));
    }

    @Test
    void aCallWithoutCredentialsIs401AndPublishesNothing() throws Exception {
        mvc(intake(SecretReference.literal(TOKEN), null))
                .perform(post("/alerts/alertmanager").contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager(alert("firing", "ShopRegionDown", "a", null))))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Bearer realm=\"mrm-alerts\""))
                .andExpect(jsonPath("$.error").value("missing Authorization header"));

        assertThat(published).isEmpty();
    }

    @Test
    void aWrongTokenIs401AndPublishesNothing() throws Exception {
        call("Bearer not-the-token", "/alerts/azure-monitor", azure("ShopDbBacklog", "Fired"))
                .andExpect(status().isUnauthorized())
                .andExpect(jsonPath("$.error").value("invalid credentials"));

        assertThat(published).isEmpty();
    }

    @Test
    void basicAuthenticationWorksWhenAUserIsConfigured() throws Exception {
        MockMvc mvc = mvc(intake(SecretReference.literal(TOKEN), "alertmanager"));
        String basic = "Basic " + Base64.getEncoder().encodeToString(("alertmanager:" + TOKEN)
                .getBytes(StandardCharsets.UTF_8));

        mvc.perform(post("/alerts/alertmanager").header("Authorization", bearer())
                        .contentType(MediaType.APPLICATION_JSON).content(alertmanager()))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Basic realm=\"mrm-alerts\""));
        mvc.perform(post("/alerts/alertmanager").header("Authorization", basic)
                        .contentType(MediaType.APPLICATION_JSON).content(alertmanager(
                                alert("firing", "ShopRegionDown", "a", null))))
                .andExpect(status().isAccepted());

        assertThat(published).hasSize(1);
    }

    @Test
    void aRotatedTokenFileTakesEffectAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        MockMvc mvc = mvc(intake(SecretReference.file(file), null));
        mvc.perform(post("/alerts/alertmanager").header("Authorization", "Bearer first")
                .contentType(MediaType.APPLICATION_JSON).content(alertmanager())).andExpect(status().isAccepted());

        Files.writeString(file, "second\n");

        mvc.perform(post("/alerts/alertmanager").header("Authorization", "Bearer first")
                .contentType(MediaType.APPLICATION_JSON).content(alertmanager())).andExpect(status().isUnauthorized());
        mvc.perform(post("/alerts/alertmanager").header("Authorization", "Bearer second")
                .contentType(MediaType.APPLICATION_JSON).content(alertmanager())).andExpect(status().isAccepted());
    }

    @Test
    void malformedJsonIs400WithTheReason() throws Exception {
        call(bearer(), "/alerts/alertmanager", "{\"alerts\": [")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value(org.hamcrest.Matchers.startsWith(
                        "Alertmanager webhook body is not valid JSON")));

        assertThat(published).isEmpty();
    }

    @Test
    void oneBadAlertRefusesTheWholeCall() throws Exception {
        String body = alertmanager(alert("firing", "ShopRegionDown", "a", null),
                "{\"status\":\"firing\",\"labels\":{\"region\":\"a\"}}");

        call(bearer(), "/alerts/alertmanager", body)
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("alerts[1].labels.alertname is required"));

        assertThat(published).isEmpty();
    }

    @Test
    void anUnknownStatusOrSchemaIs400() throws Exception {
        call(bearer(), "/alerts/alertmanager", alertmanager(alert("pending", "ShopRegionDown", "a", null)))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("alerts[0].status must be firing or resolved, was \"pending\""));
        call(bearer(), "/alerts/azure-monitor", "{\"schemaId\":\"Microsoft.Insights/activityLogs\",\"data\":{}}")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Azure Monitor alert must use the common alert schema: schemaId "
                        + "must be azureMonitorCommonAlertSchema, was \"Microsoft.Insights/activityLogs\""));
        call(bearer(), "/alerts/azure-monitor", "")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("Azure Monitor alert body is empty"));

        assertThat(published).isEmpty();
    }

    @Test
    void aBrokerThatCannotTakeTheObservationsIs503() throws Exception {
        publishFailure.set(new IllegalStateException("broker unreachable"));

        call(bearer(), "/alerts/alertmanager", alertmanager(alert("firing", "ShopRegionDown", "a", null)))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.error").value("observations could not be published; retry"));
    }

    @Test
    void aTokenThatCannotBeReadIs503() throws Exception {
        MockMvc mvc = mvc(intake(SecretReference.env("MRM_UNSET_ALERT_TOKEN", Map.of()), null));

        mvc.perform(post("/alerts/alertmanager").header("Authorization", "Bearer x")
                        .contentType(MediaType.APPLICATION_JSON).content(alertmanager()))
                .andExpect(status().isServiceUnavailable());
    }

    private ResultActions call(String authorization, String path, String body) throws Exception {
        return mvc(intake(SecretReference.literal(TOKEN), null))
                .perform(post(path).header("Authorization", authorization).contentType(MediaType.APPLICATION_JSON)
                        .content(body));
    }

    private MockMvc mvc(AlertIntake intake) {
        return MockMvcBuilders.standaloneSetup(new AlertWebhookController(intake)).build();
    }

    private AlertIntake intake(SecretReference token, String username) {
        AtomicInteger ids = new AtomicInteger();
        AlertRouter router = new AlertRouter(ROUTES, Clock.fixed(NOW, ZoneOffset.UTC), () -> "obs-" + ids.incrementAndGet());
        return new AlertIntake(new WebhookCredentials(token, username), router, sink, Duration.ofSeconds(2));
    }

    private static String bearer() {
        return "Bearer " + TOKEN;
    }

    private static String alertmanager(String... alerts) {
        return "{\"version\":\"4\",\"groupKey\":\"{}:{alertname=\\\"ShopRegionDown\\\"}\",\"truncatedAlerts\":0,"
                + "\"status\":\"firing\",\"receiver\":\"mrm\",\"groupLabels\":{},\"commonLabels\":{},"
                + "\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager:9093\",\"alerts\":["
                + String.join(",", alerts) + "]}";
    }

    private static String alert(String status, String name, String region, String summary) {
        return "{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"" + name + "\",\"region\":\"" + region
                + "\",\"severity\":\"critical\"},\"annotations\":{" + (summary == null ? "" : "\"summary\":\"" + summary
                + "\"") + "},\"startsAt\":\"2026-11-25T09:59:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                + "\"generatorURL\":\"http://prometheus:9090/graph\",\"fingerprint\":\"c0ffee\"}";
    }

    private static String azure(String rule, String condition) {
        return """
                {"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{
                "alertId":"/subscriptions/0000/providers/Microsoft.AlertsManagement/alerts/1111",
                "alertRule":"%s","severity":"Sev2","signalType":"Metric","monitorCondition":"%s",
                "monitoringService":"Platform","alertTargetIDs":["/subscriptions/0000/resourcegroups/shop"],
                "originAlertId":"1111","firedDateTime":"2026-11-25T09:58:00Z","description":"HANA backlog high",
                "essentialsVersion":"1.0","alertContextVersion":"1.0"},"alertContext":{}}}""".formatted(rule, condition);
    }
}
