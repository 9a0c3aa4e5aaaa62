package io.mrm.health.adapter.alert;

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
import io.mrm.health.domain.AlertedComponents;
import io.mrm.health.domain.ComponentKey;
import io.mrm.health.domain.ObservationSink;
import io.mrm.health.domain.SettableClock;
import io.mrm.kafka.SecretReference;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;
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

    final SettableClock clock = new SettableClock(NOW);
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
    void alertmanagerFiringIsDownAndUnmatchedAlertsAreCounted() throws Exception {
        call(
                        bearer(),
                        "/alerts/alertmanager",
                        alertmanager(
                                alert("firing", "ShopRegionDown", "a", "region-a answers 503"),
                                alert("resolved", "ShopRegionDown", "b", null),
                                alert("firing", "DiskFull", "a", "not ours")))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.alerts").value(3))
                .andExpect(jsonPath("$.observations").value(1))
                .andExpect(jsonPath("$.unmatched").value(1));

        HealthObservation down = published.get(0);
        assertThat(down.applicationId()).isEqualTo("shop");
        assertThat(down.region()).isEqualTo("region-a");
        assertThat(down.component()).isEqualTo("app");
        assertThat(down.status()).isEqualTo(HealthStatus.DOWN);
        assertThat(down.probe()).isEqualTo(ProbeKind.ALERT_WEBHOOK);
        assertThat(down.vantage()).isEqualTo("alertmanager");
        assertThat(down.time()).isEqualTo(NOW);
        assertThat(down.detail()).isEqualTo("alertmanager alert ShopRegionDown firing: region-a answers 503");
        // region b's resolution, with nothing held for it, reports nothing
        assertThat(published).hasSize(1);
    }

    @Test
    void oneNotificationWithThreeFiringPodsIsOneObservation() throws Exception {
        call(
                        bearer(),
                        "/alerts/alertmanager",
                        alertmanager(
                                pod("firing", "ShopDbBacklog", "db-0"),
                                pod("firing", "ShopDbBacklog", "db-1"),
                                pod("firing", "ShopDbBacklog", "db-2")))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.alerts").value(3))
                .andExpect(jsonPath("$.observations").value(1));

        assertThat(published).singleElement().satisfies(o -> {
            assertThat(o.component()).isEqualTo("db");
            assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(o.detail()).startsWith("alertmanager: 3 alerts firing: ShopDbBacklog");
        });
    }

    @Test
    void aResolvedSiblingAfterAFiringOneLeavesTheComponentDown() throws Exception {
        MockMvc mvc = mvc(intake(SecretReference.literal(TOKEN), null));
        send(mvc, alertmanager(pod("firing", "ShopDbBacklog", "db-0"), pod("resolved", "ShopDbBacklog", "db-1")))
                .andExpect(jsonPath("$.observations").value(1));
        send(mvc, alertmanager(pod("firing", "ShopDbBacklog", "db-1")));
        send(mvc, alertmanager(pod("resolved", "ShopDbBacklog", "db-1")));

        assertThat(published)
                .extracting(HealthObservation::status)
                .containsExactly(HealthStatus.DOWN, HealthStatus.DOWN, HealthStatus.DOWN);
    }

    @Test
    void aResolvedAlertIsNotReportedAsUpByDefault() throws Exception {
        MockMvc mvc = mvc(intake(SecretReference.literal(TOKEN), null));
        send(mvc, alertmanager(alert("firing", "ShopRegionDown", "a", "region-a answers 503")));
        // e.g. Alertmanager resolving it on its own because the Prometheus in region a died with the region
        send(mvc, alertmanager(alert("resolved", "ShopRegionDown", "a", null)))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.observations").value(0));

        assertThat(published).extracting(HealthObservation::status).containsExactly(HealthStatus.DOWN);
    }

    @Test
    void aLabelOnlyRuleDoesNotMatchTheAlwaysFiringWatchdog() throws Exception {
        MockMvc mvc = mvc(intake(List.of(new AlertRoute(null, Map.of("region", "a"), "shop", "region-a", "app"))));

        // kube-prometheus' dead man's switch: always firing, and carrying the Prometheus' external labels
        send(mvc, alertmanager(alert("firing", "Watchdog", "a", "the alerting pipeline works")))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.unmatched").value(1));

        assertThat(published).isEmpty();
    }

    @Test
    void azureMonitorFiredIsDownAndResolvedIsUpWhereTheRuleTakesResolutionAsHealth() throws Exception {
        MockMvc mvc = mvc(intake(List.of(new AlertRoute(
                "ShopDbBacklog", Set.of(), Map.of(), new ComponentKey("shop", "region-a", "db"), true))));
        mvc.perform(post("/alerts/azure-monitor")
                        .header("Authorization", bearer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(azure("ShopDbBacklog", "Fired")))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.observations").value(1));
        mvc.perform(post("/alerts/azure-monitor")
                        .header("Authorization", bearer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(azure("ShopDbBacklog", "Resolved")))
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
    void aRefreshRepublishesWhatStillFiresOncePerComponent() throws Exception {
        AlertIntake intake = intake(SecretReference.literal(TOKEN), null);
        MockMvc mvc = mvc(intake);
        send(
                mvc,
                alertmanager(
                        pod("firing", "ShopDbBacklog", "db-0"),
                        pod("firing", "ShopDbBacklog", "db-1"),
                        alert("firing", "ShopRegionDown", "a", null)));
        published.clear();

        clock.advance(Duration.ofSeconds(1));
        assertThat(intake.refresh()).isEqualTo(2);

        assertThat(published).extracting(HealthObservation::component).containsExactly("db", "app");
        assertThat(published).allSatisfy(o -> {
            assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
            assertThat(o.time()).isEqualTo(NOW.plusSeconds(1));
        });
    }

    @Test
    void aRefreshThatCannotPublishIsLoggedAndTheNextOnePublishesAgain() throws Exception {
        AlertIntake intake = intake(SecretReference.literal(TOKEN), null);
        send(mvc(intake), alertmanager(alert("firing", "ShopRegionDown", "a", null)));
        publishFailure.set(new IllegalStateException("broker unreachable"));

        assertThat(intake.refresh()).isZero();

        publishFailure.set(null);
        assertThat(intake.refresh()).isEqualTo(1);
    }

    @Test
    void aMalformedEndsAtOrFingerprintIs400() throws Exception {
        call(
                        bearer(),
                        "/alerts/alertmanager",
                        alertmanager(alert("firing", "ShopRegionDown", "a", null)
                                .replace("0001-01-01T00:00:00Z", "yesterday")))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error")
                        .value("alerts[0].endsAt must be an RFC 3339 time, e.g. "
                                + "2026-11-25T10:04:00Z, was \"yesterday\""));
        call(
                        bearer(),
                        "/alerts/alertmanager",
                        alertmanager(
                                "{\"status\":\"firing\",\"labels\":{\"alertname\":\"X\"}," + "\"fingerprint\":42}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error").value("alerts[0].fingerprint must be a string, was 42"));

        assertThat(published).isEmpty();
    }

    @Test
    void anAlertmanagerEndsAtEndsTheAlert() throws Exception {
        AlertIntake intake = intake(SecretReference.literal(TOKEN), null);
        send(
                mvc(intake),
                alertmanager(alert("firing", "ShopRegionDown", "a", null)
                        .replace("0001-01-01T00:00:00Z", "2026-11-25T11:04:00+01:00")));

        clock.advance(Duration.ofMinutes(4).minusMillis(1));
        assertThat(intake.refresh()).isEqualTo(1);
        clock.advance(Duration.ofMillis(1));
        assertThat(intake.refresh()).isZero();
    }

    @Test
    void azureCustomPropertiesMatchLikeLabels() throws Exception {
        String body = """
                {"schemaId":"azureMonitorCommonAlertSchema","data":{"essentials":{"alertRule":"ShopRegionDown",
                "severity":"Sev1","monitorCondition":"Fired","description":"region b"},
                "alertContext":{},"customProperties":{"region":"b"}}}""";

        call(bearer(), "/alerts/azure-monitor", body).andExpect(status().isAccepted());

        assertThat(published)
                .singleElement()
                .satisfies(o -> assertThat(o.region()).isEqualTo("region-b"));
    }

    @Test
    void aCallWithoutCredentialsIs401AndPublishesNothing() throws Exception {
        mvc(intake(SecretReference.literal(TOKEN), null))
                .perform(post("/alerts/alertmanager")
                        .contentType(MediaType.APPLICATION_JSON)
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
        String basic = "Basic "
                + Base64.getEncoder().encodeToString(("alertmanager:" + TOKEN).getBytes(StandardCharsets.UTF_8));

        mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", bearer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager()))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string("WWW-Authenticate", "Basic realm=\"mrm-alerts\""));
        mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", basic)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager(alert("firing", "ShopRegionDown", "a", null))))
                .andExpect(status().isAccepted());

        assertThat(published).hasSize(1);
    }

    @Test
    void aRotatedTokenFileTakesEffectAtOnce(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("token");
        Files.writeString(file, "first\n");
        MockMvc mvc = mvc(intake(SecretReference.file(file), null));
        mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", "Bearer first")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager()))
                .andExpect(status().isAccepted());

        Files.writeString(file, "second\n");

        mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", "Bearer first")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager()))
                .andExpect(status().isUnauthorized());
        mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", "Bearer second")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager()))
                .andExpect(status().isAccepted());
    }

    @Test
    void malformedJsonIs400WithTheReason() throws Exception {
        call(bearer(), "/alerts/alertmanager", "{\"alerts\": [")
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.error")
                        .value(org.hamcrest.Matchers.startsWith("Alertmanager webhook body is not valid JSON")));

        assertThat(published).isEmpty();
    }

    @Test
    void oneBadAlertRefusesTheWholeCall() throws Exception {
        String body = alertmanager(
                alert("firing", "ShopRegionDown", "a", null), "{\"status\":\"firing\",\"labels\":{\"region\":\"a\"}}");

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
                .andExpect(jsonPath("$.error")
                        .value("Azure Monitor alert must use the common alert schema: schemaId "
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

        mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", "Bearer x")
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(alertmanager()))
                .andExpect(status().isServiceUnavailable());
    }

    @Test
    void anUnauthenticatedCallerCannotMakeTheMonitorReadItsBody() throws Exception {
        java.util.concurrent.atomic.AtomicInteger read = new java.util.concurrent.atomic.AtomicInteger();
        byte[] large = new byte[AlertIntake.MAX_BODY_BYTES * 4];
        org.springframework.mock.web.MockHttpServletRequest request =
                new org.springframework.mock.web.MockHttpServletRequest("POST", "/alerts/alertmanager");
        request.setContentType("application/json");
        var answer = new AlertWebhookController(intake(SecretReference.literal(TOKEN), null))
                .alertmanager("Bearer wrong", new CountingRequest(request, read, large));

        assertThat(answer.getStatusCode().value()).isEqualTo(401);
        assertThat(read).as("bytes read of an unauthenticated body").hasValue(0);
    }

    @Test
    void aBodyOverTheLimitIsRefusedWith413AndNotParsed() throws Exception {
        String padded = "{\"alerts\":[],\"pad\":\"" + "x".repeat(AlertIntake.MAX_BODY_BYTES) + "\"}";
        call(bearer(), "/alerts/alertmanager", padded).andExpect(status().is(413));
        assertThat(published).isEmpty();
    }

    /** A request whose body counts the bytes anyone reads from it. */
    private static final class CountingRequest extends jakarta.servlet.http.HttpServletRequestWrapper {
        private final java.util.concurrent.atomic.AtomicInteger read;
        private final byte[] body;

        CountingRequest(
                jakarta.servlet.http.HttpServletRequest request,
                java.util.concurrent.atomic.AtomicInteger read,
                byte[] body) {
            super(request);
            this.read = read;
            this.body = body;
        }

        @Override
        public jakarta.servlet.ServletInputStream getInputStream() {
            java.io.ByteArrayInputStream in = new java.io.ByteArrayInputStream(body);
            return new jakarta.servlet.ServletInputStream() {
                @Override
                public int read() {
                    int b = in.read();
                    if (b >= 0) {
                        read.incrementAndGet();
                    }
                    return b;
                }

                @Override
                public int read(byte[] buffer, int offset, int length) {
                    int n = in.read(buffer, offset, length);
                    if (n > 0) {
                        read.addAndGet(n);
                    }
                    return n;
                }

                @Override
                public boolean isFinished() {
                    return in.available() == 0;
                }

                @Override
                public boolean isReady() {
                    return true;
                }

                @Override
                public void setReadListener(jakarta.servlet.ReadListener listener) {
                    throw new UnsupportedOperationException();
                }
            };
        }
    }

    private ResultActions call(String authorization, String path, String body) throws Exception {
        return mvc(intake(SecretReference.literal(TOKEN), null))
                .perform(post(path)
                        .header("Authorization", authorization)
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body));
    }

    private MockMvc mvc(AlertIntake intake) {
        return MockMvcBuilders.standaloneSetup(new AlertWebhookController(intake))
                .build();
    }

    private AlertIntake intake(SecretReference token, String username) {
        return intake(token, username, ROUTES);
    }

    private AlertIntake intake(List<AlertRoute> routes) {
        return intake(SecretReference.literal(TOKEN), null, routes);
    }

    private AlertIntake intake(SecretReference token, String username, List<AlertRoute> routes) {
        AtomicInteger ids = new AtomicInteger();
        AlertedComponents state = new AlertedComponents(
                new AlertRouter(routes), Duration.ofHours(5), null, clock, () -> "obs-" + ids.incrementAndGet());
        return new AlertIntake(new WebhookCredentials(token, username), state, sink, Duration.ofSeconds(2));
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
                + "\",\"severity\":\"critical\"},\"annotations\":{"
                + (summary == null ? "" : "\"summary\":\"" + summary + "\"")
                + "},\"startsAt\":\"2026-11-25T09:59:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                + "\"generatorURL\":\"http://prometheus:9090/graph\",\"fingerprint\":\"" + fingerprint(name, region)
                + "\"}";
    }

    /** One alert instance among siblings: the same alert name in region a, told apart by its pod label. */
    private static String pod(String status, String name, String pod) {
        return "{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"" + name + "\",\"region\":\"a\","
                + "\"pod\":\"" + pod + "\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"" + pod
                + " lags\"},\"startsAt\":\"2026-11-25T09:59:00Z\",\"endsAt\":\""
                + ("resolved".equals(status) ? "2026-11-25T09:59:30Z" : "0001-01-01T00:00:00Z")
                + "\",\"fingerprint\":\"" + fingerprint(name, pod) + "\"}";
    }

    /** Alertmanager's fingerprint is a hash of the label set; any stable text per label set does here. */
    private static String fingerprint(String... labels) {
        return Integer.toHexString(String.join("/", labels).hashCode());
    }

    private ResultActions send(MockMvc mvc, String body) throws Exception {
        return mvc.perform(post("/alerts/alertmanager")
                        .header("Authorization", bearer())
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isAccepted());
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
