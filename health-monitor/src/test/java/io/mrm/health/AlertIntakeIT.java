package io.mrm.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.health.adapter.alert.AlertRefresher;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The alert webhook of the running service on a real in-process broker: Alertmanager sends a firing
 * alert once (it repeats only after its repeat interval, hours by default), and the monitor keeps
 * reporting the component DOWN on its probe cadence until the alert resolves, so the engine's
 * stale-after never ages out an alert that is still firing.
 */
@SpringBootTest(
        classes = HealthMonitorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=health-monitor",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=alertit.",
            "mrm.kafka.partitions=1",
            "mrm.health.interval=200ms",
            "mrm.health.vantage=vantage-it"
        })
class AlertIntakeIT {

    static final String TOKEN = "alert-it-token";
    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("alertit.");
    static final Path TOKEN_FILE = tokenFile();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.health.alerts.enabled", () -> "true");
        registry.add("mrm.health.alerts.token.file", TOKEN_FILE::toString);
        registry.add("mrm.health.alerts.rules[0].alert-name", () -> "ShopRegionDown");
        registry.add("mrm.health.alerts.rules[0].labels.region", () -> "a");
        registry.add("mrm.health.alerts.rules[0].application-id", () -> "shop");
        registry.add("mrm.health.alerts.rules[0].region", () -> "region-a");
        registry.add("mrm.health.alerts.rules[1].alert-name", () -> "ShopRegionDown");
        registry.add("mrm.health.alerts.rules[1].labels.region", () -> "b");
        registry.add("mrm.health.alerts.rules[1].application-id", () -> "shop");
        registry.add("mrm.health.alerts.rules[1].region", () -> "region-b");
    }

    @AfterAll
    static void stopAll() {
        KAFKA.close();
    }

    @LocalServerPort
    int port;

    @Autowired
    AlertRefresher refresher;

    @Test
    void aFiringAlertIsRepublishedOnTheProbeCadenceUntilItResolves() throws Exception {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.OBSERVATIONS))) {
            assertThat(send(alert("firing", "a"))).isEqualTo(202);

            // one notification, yet the component keeps being reported: one observation per refresh
            await("region-a reported DOWN again and again after one notification")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> downOf(recorder, "region-a") >= 3);

            assertThat(send(alert("resolved", "a"))).isEqualTo(202);
            long afterResolution = downOf(recorder, "region-a");
            // a marker: once region-b has been refreshed twice after the resolution, region-a would have been too
            assertThat(send(alert("firing", "b"))).isEqualTo(202);
            await("region-b refreshed twice")
                    .atMost(Duration.ofSeconds(30))
                    .until(() -> downOf(recorder, "region-b") >= 3);

            assertThat(downOf(recorder, "region-a"))
                    .as("region-a observations after it resolved")
                    .isEqualTo(afterResolution);
            assertThat(recorder.events(HealthObservation.class)).allSatisfy(o -> {
                assertThat(o.status())
                        .as("resolution is not evidence of health by default")
                        .isEqualTo(HealthStatus.DOWN);
                assertThat(o.vantage()).isEqualTo("alertmanager");
                assertThat(o.component()).isEqualTo("app");
            });
        } finally {
            // else it goes on publishing after the broker is gone, and the producer's close waits at exit
            refresher.stop();
        }
    }

    private static long downOf(TopicRecorder recorder, String region) {
        return recorder.events(HealthObservation.class).stream()
                .filter(o -> o.region().equals(region) && o.status() == HealthStatus.DOWN)
                .count();
    }

    private int send(String alert) throws IOException, InterruptedException {
        String body = "{\"version\":\"4\",\"status\":\"firing\",\"receiver\":\"mrm\",\"groupLabels\":{},"
                + "\"commonLabels\":{},\"commonAnnotations\":{},\"externalURL\":\"http://alertmanager:9093\","
                + "\"alerts\":[" + alert + "]}";
        HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/alerts/alertmanager"))
                .header("Authorization", "Bearer " + TOKEN)
                .header("Content-Type", "application/json")
                .timeout(Duration.ofSeconds(30))
                .POST(HttpRequest.BodyPublishers.ofString(body))
                .build();
        return HttpClient.newHttpClient()
                .send(request, HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    private static String alert(String status, String region) {
        return "{\"status\":\"" + status + "\",\"labels\":{\"alertname\":\"ShopRegionDown\",\"region\":\"" + region
                + "\",\"severity\":\"critical\"},\"annotations\":{\"summary\":\"region " + region + " answers 503\"},"
                + "\"startsAt\":\"2026-11-25T09:59:00Z\",\"endsAt\":\"0001-01-01T00:00:00Z\","
                + "\"fingerprint\":\"f00d" + region + "\"}";
    }

    private static Path tokenFile() {
        try {
            Path file = Files.createTempFile("mrm-alert-token", "");
            file.toFile().deleteOnExit();
            Files.writeString(file, TOKEN + "\n");
            return file;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
