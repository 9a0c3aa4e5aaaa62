package io.mrm.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.mrm.testsupport.InProcessKafka;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * An actuator as a scraper and the kubelet see it (the in-memory DNS backend, a real in-process broker):
 * its command consumers' lag is on {@code /actuator/prometheus}, and readiness names the Kafka check.
 */
@SpringBootTest(
        classes = DnsActuatorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.RANDOM_PORT,
        properties = {
            "spring.config.name=dns-actuator",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=dnsmetrics.",
            "mrm.kafka.partitions=1",
            "mrm.dns.router=IN_MEMORY"
        })
class DnsActuatorMetricsIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    /** For a saturated machine; on an idle one each wait ends within seconds. */
    static final Duration BOUND = Duration.ofSeconds(90);
    /**
     * Micrometer looks for a client's new metrics once a minute, and the lag metrics exist only once the
     * consumer has its partitions: they show about a minute after start.
     */
    static final Duration LAG_BOUND = Duration.ofSeconds(180);

    static final HttpClient HTTP =
            HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
    }

    @AfterAll
    static void stopAll() {
        KAFKA.close();
    }

    @LocalServerPort
    int port;

    @Test
    void prometheusShowsTheCommandConsumersLag() {
        await("consumer lag on /actuator/prometheus")
                .atMost(BOUND)
                .untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
                        .containsPattern("kafka_consumer_fetch_manager_records_lag_max\\{[^}]*client_id=\"[^\"]+\"")
                        .contains("kafka_consumer_fetch_manager_records_lag{"));
    }

    @Test
    void readinessIncludesTheKafkaCheck() {
        await("ready, Kafka answering").atMost(BOUND).untilAsserted(() -> {
            HttpResponse<String> ready = get("/actuator/health/readiness");
            assertThat(ready.statusCode()).as(ready.body()).isEqualTo(200);
            JsonNode components = new ObjectMapper().readTree(ready.body()).path("components");
            assertThat(components.path("kafkaConnectivity").path("status").asText())
                    .isEqualTo("UP");
            assertThat(components
                            .path("kafkaConnectivity")
                            .path("details")
                            .path("clusterId")
                            .asText())
                    .isNotBlank();
            assertThat(components.path("eventListeners").path("status").asText())
                    .isEqualTo("UP");
        });
    }

    private HttpResponse<String> get(String path) throws IOException, InterruptedException {
        return HTTP.send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                        .timeout(Duration.ofSeconds(20))
                        .build(),
                HttpResponse.BodyHandlers.ofString());
    }
}
