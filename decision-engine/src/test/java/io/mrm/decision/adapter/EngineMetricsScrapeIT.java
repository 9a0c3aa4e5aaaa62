package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.StepCommand;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The engine's metrics as Prometheus scrapes them: an automatic failover driven through the engine on a real
 * in-process broker (observations in, the test answering each command as an actuator), then
 * {@code /actuator/prometheus} read over HTTP and parsed as the text format: the decision counted, the steps
 * timed, the gauges showing the new active region, epoch 1 and each vantage point's view, Kafka Streams' own
 * metrics bound.
 */
class EngineMetricsScrapeIT {

    static final List<String> POLICY = List.of(
            "id=orders",
            "primary-region=eu10",
            "standby-region=us10",
            "vantages=vantage-1,vantage-2",
            "quorum=2",
            "failure-threshold=2",
            "plan=DNS_ROUTE,DNS_VERIFY",
            // nothing may time out or go stale on a busy machine: the test answers when it can
            "step-timeout=10m",
            "stale-after=10m");
    static final Duration WITHIN = Duration.ofSeconds(120);

    @Test
    void aFailoverShowsInTheScrapedMetrics() throws Exception {
        try (EngineHarness harness = new EngineHarness("metrics.", POLICY)) {
            ConfigurableApplicationContext engine = harness.closeLater(harness.startEngine("engine-0"));
            TopicRecorder recorder =
                    harness.closeLater(new TopicRecorder(harness.kafka.bootstrapServers(), harness.names, Topics.ALL));
            harness.report("us10", HealthStatus.UP);
            harness.report("eu10", HealthStatus.DOWN);
            for (int step = 0; step < 2; step++) {
                int index = step;
                StepCommand command =
                        recorder.await(StepCommand.class, c -> c.step().stepIndex() == index, WITHIN);
                harness.publish(Acks.of(command, AckOutcome.SUCCEEDED, null, "done", 5, Map.of(), Instant.now()));
            }
            recorder.await(
                    TopologyState.class,
                    t -> t.phase() == Phase.STEADY && t.activeRegion().equals("us10"),
                    WITHIN);

            URI scrape = URI.create("http://127.0.0.1:"
                    + engine.getEnvironment().getProperty("local.server.port") + "/actuator/prometheus");
            AtomicReference<List<Sample>> last = new AtomicReference<>();
            // the gauges read the published topology back from the engine's global store: wait until it is there
            Awaitility.await()
                    .atMost(WITHIN)
                    .pollInterval(Duration.ofMillis(500))
                    .until(
                            () -> {
                                last.set(parse(get(scrape)));
                                return value(last.get(), "mrm_active_region", "region", "us10");
                            },
                            v -> v != null && v == 1.0);
            List<Sample> samples = last.get();

            assertThat(value(samples, "mrm_active_region", "region", "eu10")).isZero();
            assertThat(value(samples, "mrm_epoch", "application", "orders")).isEqualTo(1.0);
            assertThat(value(samples, "mrm_phase", "phase", "STEADY")).isEqualTo(1.0);
            assertThat(value(samples, "mrm_phase", "phase", "SWITCHING")).isZero();
            assertThat(sum(
                            samples,
                            "mrm_decisions_total",
                            "application",
                            "orders",
                            "kind",
                            "AUTOMATIC_FAILOVER",
                            "trigger",
                            "automatic"))
                    .as("one decision, its other series (other modes) at 0")
                    .isEqualTo(1.0);
            assertThat(sum(samples, "mrm_decisions_total", "trigger", "manual")).isZero();
            assertThat(value(samples, "mrm_step_duration_seconds_count", "action", "DNS_ROUTE", "outcome", "succeeded"))
                    .isEqualTo(1.0);
            assertThat(value(
                            samples,
                            "mrm_step_duration_seconds_bucket",
                            "action",
                            "DNS_VERIFY",
                            "outcome",
                            "succeeded",
                            "le",
                            "+Inf"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_plan_duration_seconds_count", "outcome", "completed"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_rto_seconds_count", "application", "orders"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_detection_seconds_count", "application", "orders"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_vantage_health", "region", "eu10", "vantage", "vantage-1", "status", "DOWN"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_vantage_health", "region", "us10", "vantage", "vantage-2", "status", "UP"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_region_health", "region", "eu10", "verdict", "DOWN"))
                    .isEqualTo(1.0);
            assertThat(value(samples, "mrm_processing_lag_seconds_count")).isPositive();
            assertThat(samples)
                    .as("Kafka Streams' own metrics, bound to the engine's KafkaStreams")
                    .anyMatch(s -> s.name().equals("kafka_stream_thread_process_total"));
        }
    }

    /** One sample line of the Prometheus text format. */
    record Sample(String name, Map<String, String> labels, double value) {}

    private static final Pattern LINE = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\\{(.*)\\})?\\s+(\\S+).*$");
    private static final Pattern LABEL = Pattern.compile("([a-zA-Z_][a-zA-Z0-9_]*)=\"((?:[^\"\\\\]|\\\\.)*)\",?");

    static List<Sample> parse(String text) {
        List<Sample> samples = new ArrayList<>();
        for (String line : text.split("\n")) {
            if (line.isBlank() || line.startsWith("#")) {
                continue;
            }
            Matcher m = LINE.matcher(line);
            assertThat(m.matches()).as("a sample line: " + line).isTrue();
            Map<String, String> labels = new LinkedHashMap<>();
            if (m.group(2) != null) {
                Matcher l = LABEL.matcher(m.group(2));
                while (l.find()) {
                    labels.put(l.group(1), l.group(2));
                }
            }
            samples.add(new Sample(m.group(1), labels, Double.parseDouble(m.group(3))));
        }
        return samples;
    }

    /** The sum of the samples with this name whose labels include these. */
    static double sum(List<Sample> samples, String name, String... labels) {
        return matching(samples, name, labels).stream()
                .mapToDouble(Sample::value)
                .sum();
    }

    /** The value of the one sample with this name whose labels include these; null when there is none. */
    static Double value(List<Sample> samples, String name, String... labels) {
        List<Sample> matching = matching(samples, name, labels);
        assertThat(matching.size())
                .as(name + " " + List.of(labels) + ": " + matching)
                .isLessThanOrEqualTo(1);
        return matching.isEmpty() ? null : matching.get(0).value();
    }

    private static List<Sample> matching(List<Sample> samples, String name, String... labels) {
        return samples.stream()
                .filter(s -> s.name().equals(name))
                .filter(s -> {
                    for (int i = 0; i < labels.length; i += 2) {
                        if (!labels[i + 1].equals(s.labels().get(labels[i]))) {
                            return false;
                        }
                    }
                    return true;
                })
                .toList();
    }

    private static String get(URI uri) throws Exception {
        HttpResponse<String> response = HttpClient.newHttpClient()
                .send(
                        HttpRequest.newBuilder(uri)
                                .timeout(Duration.ofSeconds(30))
                                .build(),
                        HttpResponse.BodyHandlers.ofString());
        assertThat(response.statusCode()).isEqualTo(200);
        return response.body();
    }
}
