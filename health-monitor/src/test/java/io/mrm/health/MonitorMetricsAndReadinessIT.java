package io.mrm.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpServer;
import io.mrm.health.adapter.probe.ProbeScheduler;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalManagementPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The monitor as a scraper and the kubelet see it, over HTTP on its management port: {@code /actuator/prometheus}
 * shows the probe metrics and its Kafka producer's metrics with their tags; readiness is UP while Kafka
 * answers and goes DOWN once the broker is gone for {@code mrm.kafka.connectivity.down-after}.
 */
@SpringBootTest(
        classes = HealthMonitorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=health-monitor",
            "spring.profiles.active=local",
            "management.server.port=0",
            "mrm.kafka.topic-prefix=metricsit.",
            "mrm.kafka.partitions=1",
            "mrm.health.interval=200ms",
            "mrm.health.vantage=vantage-it",
            "mrm.kafka.connectivity.check-interval=500ms",
            "mrm.kafka.connectivity.timeout=1s",
            "mrm.kafka.connectivity.down-after=3s"
        })
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class MonitorMetricsAndReadinessIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final AtomicBoolean KAFKA_CLOSED = new AtomicBoolean();
    static final HttpServer REGION = startRegion();
    /** For a saturated machine; on an idle one each wait ends within seconds. */
    static final Duration BOUND = Duration.ofSeconds(90);

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        registry.add("mrm.health.targets[0].application-id", () -> "orders");
        registry.add("mrm.health.targets[0].region", () -> "eu10");
        registry.add("mrm.health.targets[0].component", () -> "web");
        registry.add(
                "mrm.health.targets[0].url",
                () -> "http://127.0.0.1:" + REGION.getAddress().getPort() + "/health");
        registry.add("mrm.health.targets[0].connect-timeout", () -> "10s");
        registry.add("mrm.health.targets[0].read-timeout", () -> "10s");
    }

    @AfterAll
    static void stopAll() {
        REGION.stop(0);
        closeKafka();
    }

    /** Once: the readiness test closes the broker before the class ends. */
    private static void closeKafka() {
        if (KAFKA_CLOSED.compareAndSet(false, true)) {
            KAFKA.close();
        }
    }

    @LocalManagementPort
    int managementPort;

    @Autowired
    ProbeScheduler scheduler;

    @Test
    @Order(1)
    void prometheusShowsTheProbeMetricsAndTheKafkaProducersWithTheirTags() {
        await("probe and producer metrics on /actuator/prometheus")
                .atMost(BOUND)
                .pollInterval(Duration.ofMillis(500))
                .untilAsserted(() -> {
                    String scrape = get("/actuator/prometheus").body();
                    assertThat(scrape)
                            .contains("mrm_probe_duration_seconds_bucket{kind=\"HTTP\",outcome=\"UP\","
                                    + "target=\"orders/eu10/web\",le=\"0.5\"}")
                            .containsPattern("mrm_probe_duration_seconds_count\\{kind=\"HTTP\",outcome=\"UP\","
                                    + "target=\"orders/eu10/web\"} [1-9]")
                            .contains("mrm_probe_ticks_skipped_total{target=\"orders/eu10/web\"}")
                            .contains("mrm_observations_dropped_total{reason=\"queue_full\"} 0.0")
                            .contains("mrm_observations_dropped_total{reason=\"publish_failed\"} 0.0")
                            // the producer's own metrics, once it has sent a record
                            .containsPattern("kafka_producer_record_send_total\\{[^}]*client_id=\"health-monitor-"
                                    + "[^}]*} [1-9]");
                });
    }

    @Test
    @Order(2)
    void readinessIsUpWithKafkaAndGoesDownWhenTheBrokerIsGone() throws Exception {
        await("ready with Kafka").atMost(BOUND).untilAsserted(() -> {
            HttpResponse<String> ready = get("/actuator/health/readiness");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode kafka = json(ready).path("components").path("kafkaConnectivity");
            assertThat(kafka.path("status").asText()).isEqualTo("UP");
            assertThat(kafka.path("details").path("brokers").asInt()).isEqualTo(1);
        });

        // no more observations for the producer, which would otherwise hold the JVM's exit for its close timeout
        scheduler.stop();
        closeKafka();

        await("not ready without Kafka").atMost(BOUND).untilAsserted(() -> {
            HttpResponse<String> ready = get("/actuator/health/readiness");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(503);
            JsonNode kafka = json(ready).path("components").path("kafkaConnectivity");
            assertThat(kafka.path("status").asText()).isEqualTo("DOWN");
            assertThat(kafka.path("details").path("failedChecksInARow").asInt()).isPositive();
        });
        // liveness is not Kafka's business: a restart would not bring the broker back
        assertThat(get("/actuator/health/liveness").statusCode()).isEqualTo(200);
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + managementPort + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }

    private static JsonNode json(HttpResponse<String> response) throws IOException {
        return new ObjectMapper().readTree(response.body());
    }

    private static HttpServer startRegion() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/health", exchange -> {
                byte[] body = "{\"status\":\"UP\"}".getBytes(StandardCharsets.UTF_8);
                try {
                    exchange.sendResponseHeaders(200, body.length);
                    try (OutputStream out = exchange.getResponseBody()) {
                        out.write(body);
                    }
                } finally {
                    exchange.close();
                }
            });
            server.start();
            return server;
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
