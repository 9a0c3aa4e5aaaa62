package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessReport;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * mrmctl readiness and status against the real engine on an in-process broker: dns-actuator reports that
 * the standby cannot be routed to, the engine publishes its view, and mrmctl shows it as a table, as JSON
 * and as one line of status.
 */
class MrmctlReadinessIT {

    static final TopicNames NAMES = new TopicNames("ready.");

    @Test
    void readinessShowsTheEnginesViewAndStatusSummarisesIt() throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start();
                ConfigurableApplicationContext engine = TestEngine.start(
                        kafka,
                        NAMES,
                        "ready-engine",
                        List.of(
                                "request-signatures.required=false",
                                "applications[0].id=orders",
                                "applications[0].primary-region=eu10",
                                "applications[0].standby-region=us10",
                                "applications[0].vantages=vantage-1,vantage-2",
                                "applications[0].plan=DNS_ROUTE,DNS_VERIFY"));
                TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), NAMES, Topics.ALL);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", kafka.bootstrapServers(), "acks", "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            Instant now = Instant.now();
            ReadinessReport report = new ReadinessReport(
                    UUID.randomUUID().toString(),
                    "orders",
                    now,
                    ReadinessReport.SCHEMA_VERSION,
                    Actuator.DNS,
                    60_000,
                    List.of(
                            new ReadinessCheck(
                                    "us10",
                                    StepAction.DNS_ROUTE,
                                    "hosted-zone",
                                    ReadinessStatus.NOT_READY,
                                    "AccessDenied: the credential may not change zone Z1",
                                    now,
                                    12),
                            new ReadinessCheck(
                                    "us10",
                                    StepAction.DNS_VERIFY,
                                    "resolver",
                                    ReadinessStatus.READY,
                                    "answers",
                                    now,
                                    3),
                            new ReadinessCheck(
                                    "eu10", StepAction.DNS_ROUTE, "hosted-zone", ReadinessStatus.READY, "ok", now, 9)));
            producer.send(new EventCodec(NAMES, URI.create("/test")).toRecord(report))
                    .get();
            recorder.await(ReadinessState.class, s -> s.applicationId().equals("orders"), Duration.ofSeconds(120));

            MrmctlRun table = MrmctlRun.against(kafka, NAMES, "60s", "readiness", "orders");
            assertThat(table.exitCode()).as(table.toString()).isZero();
            assertThat(table.out())
                    .contains("us10  NOT_READY", "eu10  READY")
                    .containsPattern("DNS_ROUTE\\s+hosted-zone\\s+NOT_READY\\s+\\d+s\\s+AccessDenied");

            MrmctlRun json = MrmctlRun.against(kafka, NAMES, "60s", "--output", "json", "readiness", "orders");
            assertThat(json.exitCode()).as(json.toString()).isZero();
            JsonNode node = EventJson.mapper().readTree(json.out());
            assertThat(node.path("regions").get(0).path("region").asText()).isEqualTo("eu10");
            assertThat(node.path("regions").get(1).path("status").asText()).isEqualTo("NOT_READY");
            assertThat(node.path("regions")
                            .get(1)
                            .path("checks")
                            .get(0)
                            .path("check")
                            .asText())
                    .isEqualTo("hosted-zone");

            MrmctlRun status = MrmctlRun.against(kafka, NAMES, "60s", "status", "orders");
            assertThat(status.exitCode()).as(status.toString()).isZero();
            assertThat(status.out()).contains("readiness: us10 NOT_READY (1 check), eu10 READY");

            MrmctlRun unknown = MrmctlRun.against(kafka, NAMES, "60s", "readiness", "payments");
            assertThat(unknown.exitCode()).isNotZero();
            assertThat(unknown.err()).contains("payments: no readiness on the readiness topic");
        }
    }
}
