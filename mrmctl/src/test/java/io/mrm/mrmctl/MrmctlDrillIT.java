package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.time.Duration;
import java.time.Instant;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * {@code mrmctl drill --follow} against a real in-process broker and the real decision engine, signed: the test
 * acts as the actuators and answers each rehearsal with what it would have done; mrmctl prints each step as it
 * is acknowledged and the predicted RTO at the end, and then {@code mrmctl audit} shows the drill as a run of
 * its own.
 */
class MrmctlDrillIT {

    static final TopicNames NAMES = new TopicNames("drillctl.");
    static SignedEngine signed;

    @BeforeAll
    static void startEngine() throws Exception {
        signed = SignedEngine.start(
                NAMES,
                "drill-engine",
                (operator, key, roles) -> {
                    List<String> keygen = new java.util.ArrayList<>(
                            List.of("--operator", operator, "keygen", "--out", key.toString(), "--role"));
                    keygen.addAll(roles);
                    MrmctlRun made = MrmctlRun.of(keygen.toArray(String[]::new));
                    assertThat(made.exitCode()).as(made.toString()).isZero();
                },
                List.of("plan=DNS_ROUTE,DNS_VERIFY", "step-timeout=10m"));
    }

    @AfterAll
    static void stop() {
        if (signed != null) {
            signed.close();
        }
    }

    static MrmctlRun mrmctl(String timeout, String... args) {
        List<String> all = new java.util.ArrayList<>(List.of(
                "--operator",
                "alice@example.com",
                "--key",
                signed.key("alice@example.com").toString()));
        all.addAll(List.of(args));
        return MrmctlRun.against(signed.kafka, NAMES, timeout, all.toArray(String[]::new));
    }

    @Test
    void aFollowedDrillPrintsEachRehearsalAndThePredictedRtoAndTheAuditShowsIt() throws Exception {
        Set<String> answered = new HashSet<>();
        try (TopicRecorder recorder = new TopicRecorder(signed.kafka.bootstrapServers(), NAMES, Topics.ALL);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of("bootstrap.servers", signed.kafka.bootstrapServers(), "acks", "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            EventCodec codec = new EventCodec(NAMES, URI.create("/test/actuator"));
            // the --timeout is generous and never reached: the follow ends with the drill's alert
            CompletableFuture<MrmctlRun> drill = CompletableFuture.supplyAsync(() ->
                    mrmctl("180s", "--output", "json", "drill", "orders", "--reason", "quarterly drill", "--follow"));
            Awaitility.await("the drill's rehearsals answered")
                    .atMost(Duration.ofSeconds(180))
                    .pollInterval(Duration.ofMillis(50))
                    .until(() -> {
                        for (StepCommand c : recorder.events(StepCommand.class)) {
                            if (c.step().rehearsing() && answered.add(c.id())) {
                                producer.send(codec.toRecord(Acks.of(
                                                c,
                                                AckOutcome.SUCCEEDED,
                                                null,
                                                "would " + c.action() + " orders to " + "us10; TTL 60 s",
                                                c.step().stepIndex() == 0 ? 1_200 : 300,
                                                Map.of(),
                                                Instant.now())))
                                        .get();
                            }
                        }
                        return drill.isDone();
                    });
            MrmctlRun run = drill.get();

            assertThat(run.exitCode()).as(run.toString()).isZero();
            JsonNode json = EventJson.mapper().readTree(run.out());
            assertThat(json.get("result").asText()).isEqualTo("drill completed");
            assertThat(json.get("steps")).hasSize(2);
            assertThat(json.get("steps").get(0).get("detail").asText()).contains("would DNS_ROUTE");
            assertThat(json.get("steps").get(0).get("durationMs").asLong()).isEqualTo(1_200);
            assertThat(json.get("summary").asText()).contains("predicted RTO 1.5 s = steps 1.5 s");
            assertThat(recorder.events(FailoverDecision.class))
                    .extracting(FailoverDecision::kind)
                    .containsExactly(DecisionKind.DRILL);

            MrmctlRun audit = mrmctl("60s", "audit", "orders");
            assertThat(audit.exitCode()).as(audit.toString()).isZero();
            assertThat(audit.out())
                    .contains("DRILL eu10 → us10: DRILL_COMPLETED")
                    .contains("would DNS_VERIFY orders to us10")
                    .contains("predicted RTO 1500 ms (1.5 s) = steps 1500 ms (1.5 s)")
                    .contains("last real run's measured RTO n/a");
        }
    }
}
