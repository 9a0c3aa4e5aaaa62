package io.mrm.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.adapter.probe.ProbeScheduler;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

/**
 * The service on a real in-process broker, probing a local HTTP endpoint that answers 200 and then
 * 503: its observations arrive on the observations topic, UP first, then DOWN, with the target's
 * region and component, this vantage point and its region label, this process's run and numbers that
 * grow by one in the topic's order.
 */
@SpringBootTest(
        classes = HealthMonitorApplication.class,
        webEnvironment = SpringBootTest.WebEnvironment.NONE,
        properties = {
            "spring.config.name=health-monitor",
            "spring.profiles.active=local",
            "mrm.kafka.topic-prefix=hmtest.",
            "mrm.kafka.partitions=1",
            "mrm.health.interval=200ms",
            "mrm.health.vantage=vantage-it",
            "mrm.health.vantage-region=eu20"
        })
class HealthMonitorIT {

    static final InProcessKafka KAFKA = InProcessKafka.start();
    static final TopicNames NAMES = new TopicNames("hmtest.");
    static final AtomicInteger STATUS = new AtomicInteger(200);
    static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(10);
    static final Duration READ_TIMEOUT = Duration.ofSeconds(10);
    /** How long the test waits for observations that come every 200 ms on an idle machine. */
    static final Duration BOUND = Duration.ofSeconds(60);

    static final HttpServer REGION = startRegion();

    @DynamicPropertySource
    static void properties(DynamicPropertyRegistry registry) {
        registry.add("spring.kafka.bootstrap-servers", KAFKA::bootstrapServers);
        // all of the target's keys in one source: Spring Boot does not merge a list across sources
        registry.add("mrm.health.targets[0].application-id", () -> "orders");
        registry.add("mrm.health.targets[0].region", () -> "eu10");
        registry.add("mrm.health.targets[0].component", () -> "web");
        registry.add(
                "mrm.health.targets[0].url",
                () -> "http://127.0.0.1:" + REGION.getAddress().getPort() + "/health");
        // generous, so that a busy machine cannot turn the endpoint's answer into a timeout
        registry.add("mrm.health.targets[0].connect-timeout", () -> CONNECT_TIMEOUT.toMillis() + "ms");
        registry.add("mrm.health.targets[0].read-timeout", () -> READ_TIMEOUT.toMillis() + "ms");
    }

    @AfterAll
    static void stopAll() {
        REGION.stop(0);
        KAFKA.close();
    }

    @Autowired
    ProbeScheduler scheduler;

    @Test
    void upObservationsThenDownObservationsArriveOnTheObservationsTopic() {
        try (TopicRecorder recorder =
                new TopicRecorder(KAFKA.bootstrapServers(), NAMES, List.of(Topics.OBSERVATIONS))) {
            recorder.await(HealthObservation.class, o -> o.status() == HealthStatus.UP, BOUND);

            STATUS.set(503);
            await("two DOWN observations")
                    .atMost(BOUND)
                    .until(() -> recorder.events(HealthObservation.class).stream()
                                    .filter(o -> o.status() == HealthStatus.DOWN)
                                    .count()
                            >= 2);
            scheduler.stop();

            List<HealthObservation> seen = recorder.events(HealthObservation.class);
            int firstDown =
                    seen.stream().map(HealthObservation::status).toList().indexOf(HealthStatus.DOWN);
            assertThat(seen.subList(0, firstDown))
                    .isNotEmpty()
                    .allSatisfy(o -> assertThat(o.status()).isEqualTo(HealthStatus.UP));
            assertThat(seen.subList(firstDown, seen.size())).allSatisfy(o -> {
                assertThat(o.status()).isEqualTo(HealthStatus.DOWN);
                assertThat(o.detail()).isEqualTo("HTTP 503, expected 200-299");
            });
            assertThat(seen).allSatisfy(o -> {
                assertThat(o.applicationId()).isEqualTo("orders");
                assertThat(o.region()).isEqualTo("eu10");
                assertThat(o.component()).isEqualTo("web");
                assertThat(o.vantage()).isEqualTo("vantage-it");
                assertThat(o.vantageRegion()).isEqualTo("eu20");
                assertThat(o.probe()).isEqualTo(ProbeKind.HTTP);
                assertThat(o.schemaVersion()).isEqualTo(HealthObservation.SCHEMA_VERSION);
                // the probe's measured time: an answer later than connect + read timeout would be a timeout
                assertThat(o.latencyMs())
                        .isNotNull()
                        .isBetween(0L, CONNECT_TIMEOUT.plus(READ_TIMEOUT).toMillis());
            });
            assertThat(seen).extracting(HealthObservation::id).doesNotHaveDuplicates();
            // one run for the whole process, and the topic holds them in number order without a gap
            assertThat(seen)
                    .extracting(HealthObservation::monitorRun)
                    .doesNotContainNull()
                    .containsOnly(seen.get(0).monitorRun());
            assertThat(seen.get(0).sequence()).isNotNull().isPositive();
            for (int i = 1; i < seen.size(); i++) {
                assertThat(seen.get(i).sequence())
                        .as("observation " + i + " of " + seen.size())
                        .isEqualTo(seen.get(i - 1).sequence() + 1);
            }
        } finally {
            scheduler.stop();
        }
    }

    private static HttpServer startRegion() {
        try {
            HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
            server.createContext("/health", exchange -> {
                byte[] body = "{\"status\":\"checked\"}".getBytes(StandardCharsets.UTF_8);
                try {
                    exchange.sendResponseHeaders(STATUS.get(), body.length);
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
