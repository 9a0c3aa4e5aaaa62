package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * `mrmctl audit` against a real in-process broker and the real decision engine: two vantage points
 * see eu10 fail, the engine fails over automatically, the route step fails once (retriable) and is
 * retried, the verify succeeds; an operator's failover to the now active region is rejected. The
 * audit (JSON, HTML file, text) must show the run, every attempt and the figures computed from the
 * events' own times.
 */
class MrmctlAuditIT {

    static final TopicNames NAMES = new TopicNames("audit.");
    static final String HOSTILE = "<script>alert('audit')</script>";

    @Test
    void anAutomaticFailoverIsAuditedWithItsAttemptsAndFigures(@TempDir Path dir) throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start();
                ConfigurableApplicationContext engine = TestEngine.start(
                        kafka,
                        NAMES,
                        "audit-engine",
                        List.of(
                                "applications[0].id=orders",
                                "applications[0].primary-region=eu10",
                                "applications[0].standby-region=us10",
                                "applications[0].quorum=2",
                                "applications[0].vantages=vantage-1,vantage-2",
                                "applications[0].failure-threshold=2",
                                "applications[0].recovery-threshold=2",
                                "applications[0].plan=DNS_ROUTE,DNS_VERIFY",
                                "applications[0].step-max-attempts=3",
                                "applications[0].retry-backoff=200ms",
                                "applications[0].step-timeout=20s"));
                KafkaProducer<String, byte[]> producer = producer(kafka);
                TopicRecorder recorder = new TopicRecorder(
                        kafka.bootstrapServers(),
                        NAMES,
                        List.of(Topics.DECISIONS, Topics.TOPOLOGY, Topics.DNS_COMMANDS))) {
            EventCodec codec = new EventCodec(NAMES, URI.create("/test"));

            // given: us10 healthy, eu10 seen UP once and then DOWN twice by two vantage points
            for (int i = 0; i < 2; i++) {
                for (String vantage : List.of("vantage-1", "vantage-2")) {
                    publish(producer, codec, observation("us10", vantage, HealthStatus.UP));
                }
            }
            for (String vantage : List.of("vantage-1", "vantage-2")) {
                publish(producer, codec, observation("eu10", vantage, HealthStatus.UP));
            }
            HealthObservation firstDown = null;
            for (int i = 0; i < 2; i++) {
                for (String vantage : List.of("vantage-1", "vantage-2")) {
                    HealthObservation down = observation("eu10", vantage, HealthStatus.DOWN);
                    publish(producer, codec, down);
                    firstDown = firstDown == null ? down : firstDown;
                }
            }

            // when: the engine fails over, the route fails once and is retried, the verify succeeds
            FailoverDecision decision = recorder.await(FailoverDecision.class, d -> true, Duration.ofSeconds(120));
            StepCommand route1 =
                    recorder.await(StepCommand.class, c -> c.step().stepIndex() == 0, Duration.ofSeconds(120));
            publish(
                    producer,
                    codec,
                    Acks.of(
                            route1,
                            AckOutcome.FAILED_RETRIABLE,
                            "Throttling",
                            "rate exceeded",
                            12,
                            Map.of(),
                            Instant.now()));
            StepCommand route2 = recorder.await(
                    StepCommand.class,
                    c -> c.step().stepIndex() == 0 && c.step().attempt() == 2,
                    Duration.ofSeconds(120));
            publish(
                    producer,
                    codec,
                    Acks.of(route2, AckOutcome.SUCCEEDED, null, "routed to us10", 15, Map.of(), Instant.now()));
            StepCommand verify =
                    recorder.await(StepCommand.class, c -> c.step().stepIndex() == 1, Duration.ofSeconds(120));
            CommandAck verified =
                    Acks.of(verify, AckOutcome.SUCCEEDED, null, "answers from us10", 20, Map.of(), Instant.now());
            publish(producer, codec, verified);
            recorder.await(
                    TopologyState.class,
                    t -> t.phase() == Phase.STEADY && t.activeRegion().equals("us10"),
                    Duration.ofSeconds(120));

            // and an operator asks for what is already so, with a hostile reason
            MrmctlRun rejected = MrmctlRun.against(
                    kafka,
                    NAMES,
                    "30s",
                    "--operator",
                    "mallory",
                    "failover",
                    "--yes",
                    "orders",
                    "--to",
                    "us10",
                    "--reason",
                    HOSTILE);
            assertThat(rejected.exitCode()).as(rejected.toString()).isEqualTo(2);
            // (the engine's reason, whatever it is: already active, or unsigned once requests must be signed)
            RequestOutcome refusal = recorder.await(RequestOutcome.class, o -> !o.accepted(), Duration.ofSeconds(120));

            // then: the JSON audit has the run, its attempts and the figures from the events' times
            MrmctlRun json = MrmctlRun.against(kafka, NAMES, "30s", "--output", "json", "audit", "orders");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode report = EventJson.mapper().readTree(json.out());
            assertThat(report.get("undecodable").get("count").asInt()).isZero();
            JsonNode app = report.get("applications").get(0);
            assertThat(app.get("application").asText()).isEqualTo("orders");
            assertThat(app.get("runs")).hasSize(1);
            JsonNode run = app.get("runs").get(0);
            assertThat(run.get("decisionId").asText()).isEqualTo(decision.id());
            assertThat(run.get("kind").asText()).isEqualTo("AUTOMATIC_FAILOVER");
            assertThat(run.get("fromRegion").asText()).isEqualTo("eu10");
            assertThat(run.get("toRegion").asText()).isEqualTo("us10");
            assertThat(run.get("trigger").get("type").asText()).isEqualTo("automatic");
            assertThat(run.get("trigger").get("evidence")).hasSize(2);
            JsonNode detection = run.get("trigger").get("detectionStart");
            assertThat(detection.get("observationId").asText()).isEqualTo(firstDown.id());
            assertThat(detection.get("source").asText()).isEqualTo("observations");
            assertThat(detection.get("mayBeEarlier").asBoolean()).isFalse();

            JsonNode route = run.get("steps").get(0);
            assertThat(route.get("action").asText()).isEqualTo("DNS_ROUTE");
            assertThat(route.get("outcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(route.get("retries").asInt()).isEqualTo(1);
            assertThat(route.get("attempts")).hasSize(2);
            assertThat(route.get("attempts").get(0).get("commandId").asText()).isEqualTo(route1.id());
            assertThat(route.get("attempts").get(0).get("ackOutcome").asText()).isEqualTo("FAILED_RETRIABLE");
            assertThat(route.get("attempts").get(0).get("errorCode").asText()).isEqualTo("Throttling");
            assertThat(route.get("attempts").get(1).get("ackOutcome").asText()).isEqualTo("SUCCEEDED");
            assertThat(route.get("attempts").get(1).get("durationMs").asLong()).isEqualTo(15);
            assertThat(run.get("steps").get(1).get("outcome").asText()).isEqualTo("SUCCEEDED");

            assertThat(run.get("outcome").asText()).isEqualTo("FINISHED");
            assertThat(run.get("activeRegion").asText()).isEqualTo("us10");
            assertThat(run.get("switchedAt").asText()).isEqualTo(verified.time().toString());
            JsonNode figures = run.get("figures");
            assertThat(figures.get("detectionMs").asLong())
                    .isEqualTo(
                            Duration.between(firstDown.time(), decision.time()).toMillis());
            assertThat(figures.get("switchMs").asLong())
                    .isEqualTo(
                            Duration.between(decision.time(), verified.time()).toMillis());
            assertThat(figures.get("rtoMs").asLong())
                    .isEqualTo(
                            Duration.between(firstDown.time(), verified.time()).toMillis());

            JsonNode refused = null;
            for (JsonNode note : app.get("between")) {
                if ("request".equals(note.get("kind").asText())
                        && !note.get("accepted").asBoolean(true)) {
                    refused = note;
                }
            }
            assertThat(refused).as("the rejected request between runs").isNotNull();
            assertThat(refused.get("operator").asText()).isEqualTo("mallory");
            assertThat(refused.get("answer").asText()).isEqualTo(refusal.reason());
            assertThat(refused.get("reason").asText()).isEqualTo(HOSTILE);

            // the HTML report: one self-contained file with a timeline and the hostile reason escaped
            Path file = dir.resolve("audit.html");
            MrmctlRun html = MrmctlRun.against(
                    kafka, NAMES, "30s", "audit", "orders", "--format", "html", "--out", file.toString());
            assertThat(html.exitCode()).as(html.toString()).isZero();
            assertThat(html.out()).contains("wrote the html audit to " + file + ": 1 run of 1 application");
            String page = Files.readString(file, StandardCharsets.UTF_8);
            assertThat(page)
                    .startsWith("<!DOCTYPE html>")
                    .contains("<svg")
                    .contains(decision.id())
                    .contains("&lt;script&gt;alert(&#39;audit&#39;)&lt;/script&gt;")
                    .doesNotContainIgnoringCase("<script")
                    .doesNotContain("http://")
                    .doesNotContain("https://");

            // the text report, and --to before the decision leaves the run out
            MrmctlRun text = MrmctlRun.against(kafka, NAMES, "30s", "audit", "orders");
            System.out.println("---- mrmctl audit orders\n" + text.out());
            assertThat(text.out())
                    .contains("-- run 1: AUTOMATIC_FAILOVER eu10 → us10: FINISHED, us10 active --")
                    .contains("attempt 1: command " + route1.id());
            MrmctlRun before = MrmctlRun.against(
                    kafka,
                    NAMES,
                    "30s",
                    "audit",
                    "orders",
                    "--to",
                    decision.time().minusMillis(1).toString());
            assertThat(before.exitCode()).as(before.toString()).isZero();
            assertThat(before.out()).contains("== orders: 0 failover runs");
        }
    }

    static KafkaProducer<String, byte[]> producer(InProcessKafka kafka) {
        return new KafkaProducer<>(
                Map.of(
                        ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                        kafka.bootstrapServers(),
                        ProducerConfig.ACKS_CONFIG,
                        "all",
                        ProducerConfig.LINGER_MS_CONFIG,
                        0),
                new StringSerializer(),
                new ByteArraySerializer());
    }

    static void publish(KafkaProducer<String, byte[]> producer, EventCodec codec, MrmEvent event) throws Exception {
        producer.send(codec.toRecord(event)).get();
    }

    static HealthObservation observation(String region, String vantage, HealthStatus status) {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                "orders",
                Instant.now(),
                1,
                region,
                "app",
                ProbeKind.HTTP,
                vantage,
                status,
                2L,
                status == HealthStatus.DOWN ? "HTTP 503" : null);
    }
}
