package io.mrm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.DecisionEngineApplication;
import io.mrm.dns.DnsActuatorApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import java.net.URI;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The walking skeleton end to end on a real broker, driven from outside: DOWN observations of
 * region A from two vantage points become a FailoverDecision and a DNS step command; dns-actuator
 * applies it and acknowledges; the engine records the steps done in the topology topic.
 */
class WalkingSkeletonIT {

    static final TopicNames NAMES = new TopicNames("skeleton.");
    static InProcessKafka kafka;
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = InProcessKafka.start();
        String[] common = {
            "--spring.profiles.active=local",
            "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--mrm.kafka.topic-prefix=skeleton.",
            "--mrm.kafka.partitions=2",
            "--server.port=0"
        };
        services.add(MrmApplication.builder(DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                .run(concat(
                        common,
                        "--spring.config.name=" + DecisionEngineApplication.SERVICE,
                        "--mrm.decision.applications[0].id=orders",
                        "--mrm.decision.applications[0].primary-region=eu10",
                        "--mrm.decision.applications[0].standby-region=us10",
                        "--mrm.decision.applications[0].vantages=vantage-1,vantage-2",
                        "--mrm.decision.applications[0].quorum=2",
                        "--mrm.decision.applications[0].failure-threshold=2",
                        "--mrm.decision.applications[0].plan=DNS_ROUTE,DNS_VERIFY",
                        "--mrm.decision.commit-interval=20ms",
                        "--mrm.decision.state-dir=" + Files.createTempDirectory("skeleton-streams"))));
        services.add(MrmApplication.builder(DnsActuatorApplication.class, DnsActuatorApplication.SERVICE)
                .run(concat(
                        common,
                        "--spring.config.name=" + DnsActuatorApplication.SERVICE,
                        "--mrm.dns.initial-routes.orders=eu10")));
    }

    @AfterAll
    static void stop() {
        services.forEach(ConfigurableApplicationContext::close);
        kafka.close();
    }

    @Test
    void downRegionBecomesDecisionCommandAckAndSwitchedTopology() throws Exception {
        EventCodec codec = new EventCodec(NAMES, URI.create("/test/monitor"));
        try (TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), NAMES, Topics.ALL);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            // us10 is healthy; one vantage point alone seeing eu10 down is not enough (quorum 2)...
            for (int i = 0; i < 3; i++) {
                producer.send(codec.toRecord(observation("vantage-1", "eu10", HealthStatus.DOWN)))
                        .get();
                producer.send(codec.toRecord(observation("vantage-2", "eu10", HealthStatus.UP)))
                        .get();
                producer.send(codec.toRecord(observation("vantage-2", "us10", HealthStatus.UP)))
                        .get();
                producer.send(codec.toRecord(observation("vantage-1", "us10", HealthStatus.UP)))
                        .get();
            }
            // ...until the second one agrees, twice in a row.
            producer.send(codec.toRecord(observation("vantage-2", "eu10", HealthStatus.DOWN)))
                    .get();
            HealthObservation trigger = observation("vantage-2", "eu10", HealthStatus.DOWN);
            producer.send(codec.toRecord(trigger)).get();

            FailoverDecision decision = recorder.await(FailoverDecision.class, d -> true, Duration.ofSeconds(60));
            assertThat(decision.kind()).isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
            assertThat(decision.fromRegion()).isEqualTo("eu10");
            assertThat(decision.toRegion()).isEqualTo("us10");
            assertThat(decision.epoch()).isEqualTo(1);
            assertThat(decision.evidence())
                    .extracting(e -> e.vantage())
                    .containsExactlyInAnyOrder("vantage-1", "vantage-2");
            assertThat(decision.evidence()).extracting(e -> e.observationId()).contains(trigger.id());
            assertThat(decision.plan())
                    .extracting(p -> p.action())
                    .containsExactly(StepAction.DNS_ROUTE, StepAction.DNS_VERIFY);

            DnsRouteCommand command = recorder.await(DnsRouteCommand.class, c -> true, Duration.ofSeconds(30));
            assertThat(command.targetRegion()).isEqualTo("us10");
            assertThat(command.step().epoch()).isEqualTo(1);
            assertThat(command.step().decisionId()).isEqualTo(decision.id());

            CommandAck routed =
                    recorder.await(CommandAck.class, a -> a.commandId().equals(command.id()), Duration.ofSeconds(30));
            assertThat(routed.outcome()).isEqualTo(AckOutcome.SUCCEEDED);
            assertThat(routed.observed()).containsEntry("region", "us10").containsEntry("changed", "true");

            TopologyState switched = recorder.await(
                    TopologyState.class, t -> t.phase() == Phase.STEADY && t.epoch() == 1, Duration.ofSeconds(30));
            assertThat(switched.activeRegion()).isEqualTo("us10");
            assertThat(switched.standbyRegion()).isEqualTo("eu10");
            assertThat(switched.lastDecisionId()).isEqualTo(decision.id());
            assertThat(switched.planSteps())
                    .extracting(s -> s.status())
                    .containsExactly(StepStatus.SUCCEEDED, StepStatus.SUCCEEDED);
            // Exactly one decision: further DOWN observations do not decide again.
            assertThat(recorder.events(FailoverDecision.class)).hasSize(1);
        }
    }

    private static HealthObservation observation(String vantage, String region, HealthStatus status) {
        return new HealthObservation(
                UUID.randomUUID().toString(),
                "orders",
                Instant.now(),
                HealthObservation.SCHEMA_VERSION,
                region,
                "app",
                ProbeKind.HTTP,
                vantage,
                status,
                5L,
                status == HealthStatus.DOWN ? "HTTP 503" : "HTTP 200");
    }

    private static String[] concat(String[] first, String... more) {
        String[] all = new String[first.length + more.length];
        System.arraycopy(first, 0, all, 0, first.length);
        System.arraycopy(more, 0, all, first.length, more.length);
        return all;
    }
}
