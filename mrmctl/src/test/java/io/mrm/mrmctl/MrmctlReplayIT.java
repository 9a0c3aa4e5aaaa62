package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.policy.PolicySettings;
import io.mrm.events.MrmEvent;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.journal.PolicyRecord;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FreezeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.mrmctl.adapter.PolicyFile;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
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
 * mrmctl replay against a run of the real engine on an in-process broker: an unsigned request is
 * refused, eu10 fails, the engine fails over to us10 and the plan completes with the actuators'
 * acks. The journal then replays exactly under its recorded policy; a stricter policy file shows
 * other decisions side by side; the recorded policy prints as a file that backtests without a
 * difference; a forged output on the decisions topic makes the replay fail with exit 5.
 */
class MrmctlReplayIT {

    static final TopicNames NAMES = new TopicNames("rpl.");

    @Test
    void replayReproducesTheRunAndBacktestsAStricterPolicy(@TempDir Path dir) throws Exception {
        try (InProcessKafka kafka = InProcessKafka.start();
                ConfigurableApplicationContext engine = TestEngine.start(
                        kafka,
                        NAMES,
                        "replay-engine",
                        List.of(
                                "applications[0].id=orders",
                                "applications[0].primary-region=eu10",
                                "applications[0].standby-region=us10",
                                "applications[0].failure-threshold=2",
                                "applications[0].vantages=vantage-1,vantage-2",
                                "applications[0].recovery-threshold=2",
                                "applications[0].plan=DNS_ROUTE,DNS_VERIFY"));
                TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), NAMES, Topics.ALL);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            EventCodec codec = new EventCodec(NAMES, URI.create("/test"));
            // given a run: a refused unsigned request, then an automatic failover whose plan completes
            publish(producer, codec, new FreezeRequest(id(), "orders", Instant.now(), 1, "mallory", "unsigned"));
            recorder.await(RequestOutcome.class, o -> !o.accepted(), Duration.ofSeconds(120));
            report(producer, codec, "us10", HealthStatus.UP);
            report(producer, codec, "eu10", HealthStatus.DOWN);
            DnsRouteCommand route = recorder.await(DnsRouteCommand.class, c -> true, Duration.ofSeconds(120));
            publish(producer, codec, Acks.of(route, AckOutcome.SUCCEEDED, null, "routed", 3, Map.of(), Instant.now()));
            DnsVerifyCommand verify = recorder.await(DnsVerifyCommand.class, c -> true, Duration.ofSeconds(120));
            publish(
                    producer,
                    codec,
                    Acks.of(verify, AckOutcome.SUCCEEDED, null, "answers us10", 3, Map.of(), Instant.now()));
            recorder.await(
                    TopologyState.class,
                    t -> t.phase() == Phase.STEADY && t.activeRegion().equals("us10"),
                    Duration.ofSeconds(120));
            recorder.await(PolicyRecord.class, p -> p.applicationId().equals("orders"), Duration.ofSeconds(120));

            // when replayed under the recorded policy: every output is reproduced, exit 0
            MrmctlRun replay = MrmctlRun.against(kafka, NAMES, "60s", "--output", "json", "replay");
            assertThat(replay.exitCode()).as(replay.toString()).isZero();
            JsonNode json = EventJson.mapper().readTree(replay.out());
            assertThat(json.get("result").asText()).isEqualTo("reproduced");
            assertThat(json.get("decisions").asInt()).isEqualTo(1);
            assertThat(json.get("outputs").asInt()).isGreaterThanOrEqualTo(8);
            assertThat(json.get("divergent").asInt()).isZero();
            assertThat(json.get("warnings")).isEmpty();
            assertThat(json.get("policies").get("orders")).hasSize(1);
            System.out.println("---- mrmctl --output json replay\n" + replay.out());
            MrmctlRun replayText = MrmctlRun.against(kafka, NAMES, "60s", "replay", "orders");
            assertThat(replayText.exitCode()).as(replayText.toString()).isZero();
            assertThat(replayText.out()).containsPattern("reproduced \\d+ outputs \\(1 decision\\) exactly");
            System.out.println("---- mrmctl replay orders\n" + replayText.out());

            // a stricter policy (three failures in a row where the run saw two) would not have failed over
            Path stricter = dir.resolve("stricter.yaml");
            Files.writeString(stricter, """
                    mrm:
                      decision:
                        request-signatures: {required: true}
                        applications:
                          - id: orders
                            primary-region: eu10
                            standby-region: us10
                            vantages: [vantage-1, vantage-2]
                            failure-threshold: 3
                            recovery-threshold: 2
                            plan: [DNS_ROUTE, DNS_VERIFY]
                    """);
            MrmctlRun backtest =
                    MrmctlRun.against(kafka, NAMES, "60s", "replay", "orders", "--policy", stricter.toString());
            assertThat(backtest.exitCode()).as(backtest.toString()).isZero();
            assertThat(backtest.out())
                    .contains("backtest of orders: recorded policy")
                    .contains("not how its plan would have executed")
                    .containsPattern("\\* \\S+  decision 1\\n      recorded : \\S+ AUTOMATIC_FAILOVER eu10→us10 "
                            + "EXECUTING \\(epoch 1\\)")
                    .contains("      alternate: —")
                    .contains("freeze by mallory: refused (unsigned request from 'mallory'")
                    .contains("1 of 2 rows differ");
            System.out.println("---- mrmctl replay orders --policy stricter.yaml\n" + backtest.out());
            MrmctlRun backtestJson = MrmctlRun.against(
                    kafka,
                    NAMES,
                    "60s",
                    "--output",
                    "json",
                    "replay",
                    "--policy",
                    stricter.toString(),
                    "--tick",
                    "500ms");
            JsonNode rows = EventJson.mapper().readTree(backtestJson.out()).get("rows");
            assertThat(rows).hasSize(2);
            assertThat(rows.get(0).get("what").asText())
                    .isEqualTo("request "
                            + recorder.events(FreezeRequest.class).get(0).id());
            assertThat(rows.get(0).get("differs").asBoolean()).isFalse();
            assertThat(rows.get(1).get("differs").asBoolean()).isTrue();
            assertThat(rows.get(1).get("recorded").get("kind").asText()).isEqualTo("decision");
            assertThat(rows.get(1).path("alternate").isMissingNode())
                    .as("no alternate row")
                    .isTrue();

            // --print-policy writes the recorded policy as a file that reads back into the engine's own,
            // and backtesting it shows no difference
            MrmctlRun printed = MrmctlRun.against(kafka, NAMES, "60s", "replay", "orders", "--print-policy");
            assertThat(printed.exitCode()).as(printed.toString()).isZero();
            Path recordedFile = dir.resolve("recorded.yaml");
            Files.writeString(recordedFile, printed.out());
            PolicySettings.Policies read = PolicyFile.read(recordedFile);
            DecisionCore running = engine.getBean(DecisionCore.class);
            assertThat(read.applications()).isEqualTo(running.policies());
            // a policy file names no Kafka cluster: the backtest takes the one the journal recorded
            assertThat(read.authority().clusterId()).isNull();
            assertThat(read.authority().inCluster(running.authority().clusterId()))
                    .isEqualTo(running.authority());
            MrmctlRun same =
                    MrmctlRun.against(kafka, NAMES, "60s", "replay", "orders", "--policy", recordedFile.toString());
            assertThat(same.out()).as(same.toString()).contains("0 of 2 rows differ");

            // a forged decision under an id the engine used: the replay no longer reproduces it, exit 5
            FailoverDecision real = recorder.events(FailoverDecision.class).get(0);
            publish(
                    producer,
                    codec,
                    new FailoverDecision(
                            real.id(),
                            real.applicationId(),
                            real.time(),
                            real.schemaVersion(),
                            real.epoch(),
                            real.kind(),
                            real.mode(),
                            real.status(),
                            real.fromRegion(),
                            real.toRegion(),
                            "forged",
                            "mallory",
                            real.requestId(),
                            real.overriddenRules(),
                            real.evidence(),
                            real.plan()));
            MrmctlRun diverged = MrmctlRun.against(kafka, NAMES, "60s", "replay");
            assertThat(diverged.exitCode()).as(diverged.toString()).isEqualTo(5);
            assertThat(diverged.out())
                    .contains("did NOT reproduce the recorded outputs: 1 output(s) differ")
                    .contains("expected: io.mrm.decision.failover.v1 " + real.id())
                    .contains("got:      io.mrm.decision.failover.v1 " + real.id())
                    .contains("differs in reason: expected 'forged', got '" + real.reason() + "'")
                    .contains("differs in requestedBy: expected 'mallory', got 'engine'");
            System.out.println("---- mrmctl replay (after a forged decision)\n" + diverged.out());
            MrmctlRun before = MrmctlRun.against(kafka, NAMES, "60s", "replay", "--to", "2000-01-01T00:00:00Z");
            assertThat(before.exitCode()).as(before.toString()).isEqualTo(5);
            assertThat(before.out())
                    .contains("(1 more not shown or outside --from/--to)")
                    .doesNotContain("expected:");
        }
    }

    private static void report(
            KafkaProducer<String, byte[]> producer, EventCodec codec, String region, HealthStatus status)
            throws Exception {
        for (int i = 0; i < 2; i++) {
            for (String vantage : List.of("vantage-1", "vantage-2")) {
                publish(
                        producer,
                        codec,
                        new HealthObservation(
                                id(),
                                "orders",
                                Instant.now(),
                                1,
                                region,
                                "app",
                                ProbeKind.HTTP,
                                vantage,
                                status,
                                2L,
                                null));
            }
        }
    }

    private static void publish(KafkaProducer<String, byte[]> producer, EventCodec codec, MrmEvent event)
            throws Exception {
        producer.send(codec.toRecord(event)).get();
    }

    private static String id() {
        return UUID.randomUUID().toString();
    }
}
