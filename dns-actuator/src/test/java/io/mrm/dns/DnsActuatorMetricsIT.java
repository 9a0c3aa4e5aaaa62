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
 * its command consumers' lag and its Kafka clients' metrics are on {@code /actuator/prometheus}, and readiness
 * names the Kafka checks (the service's own, and the Kafka binder's of its command input).
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
    void prometheusShowsTheCommandConsumersLagAndItsClientMetrics() {
        // the binder's gauge: the command group's committed offset against the end of the topic, read on scrape.
        // (Kafka's own records-lag metrics show too, but only once Micrometer looks for a client's new metrics,
        // a minute after start)
        await("consumer lag and client metrics on /actuator/prometheus")
                .atMost(BOUND)
                .untilAsserted(() -> assertThat(get("/actuator/prometheus").body())
                        .containsPattern("spring_cloud_stream_binder_kafka_offset\\{[^}]*group=\"dns-actuator\""
                                + "[^}]*topic=\"dnsmetrics.commands.dns\"")
                        .containsPattern("kafka_consumer_fetch_manager_fetch_total\\{[^}]*client_id=\"[^\"]+\""));
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
            // the binder's own health: the command topic described, the command consumer running
            assertThat(components.path("binders").path("status").asText()).isEqualTo("UP");
            assertThat(components.path("commandInput").path("status").asText()).isEqualTo("UP");
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
