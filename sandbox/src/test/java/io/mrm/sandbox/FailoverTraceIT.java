package io.mrm.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.DecisionEngineApplication;
import io.mrm.dns.DnsActuatorApplication;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.kafka.MrmApplication;
import io.mrm.testsupport.InProcessKafka;
import io.mrm.testsupport.TopicRecorder;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.awaitility.Awaitility;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * One failover is one trace: the engine's decision continues the trace of the observation that crossed the
 * threshold, each plan step is a span of the decision's, and the DNS actuator runs each command in a span of its
 * step's; the spans of both services, exported to one in-memory exporter, share the observation's trace id. A
 * malformed {@code ce_traceparent} on an input is ignored: nothing is dead-lettered, the decision is the same.
 */
class FailoverTraceIT {

    static final TopicNames NAMES = new TopicNames("traced.");
    static final InMemorySpanExporter SPANS = InMemorySpanExporter.create();
    static InProcessKafka kafka;
    static final List<ConfigurableApplicationContext> services = new ArrayList<>();

    @BeforeAll
    static void start() throws Exception {
        kafka = InProcessKafka.start();
        String[] common = {
            "--spring.profiles.active=local",
            "--spring.kafka.bootstrap-servers=" + kafka.bootstrapServers(),
            "--mrm.kafka.topic-prefix=traced.",
            "--mrm.kafka.partitions=2",
            "--server.port=0",
            "--management.tracing.sampling.probability=1.0",
            "--management.opentelemetry.tracing.export.schedule-delay=50ms"
        };
        services.add(MrmApplication.builder(DecisionEngineApplication.class, DecisionEngineApplication.SERVICE)
                .initializers(context -> context.getBeanFactory().registerSingleton("testSpans", SPANS))
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
                        "--mrm.decision.state-dir=" + Files.createTempDirectory("traced-streams"))));
        services.add(MrmApplication.builder(DnsActuatorApplication.class, DnsActuatorApplication.SERVICE)
                .initializers(context -> context.getBeanFactory().registerSingleton("testSpans", SPANS))
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
    void aFailoverIsOneTraceWithASpanPerStepAndPerCommandExecution() throws Exception {
        EventCodec codec = new EventCodec(NAMES, URI.create("/test/monitor"));
        TraceParent triggerTrace = newTrace();
        try (TopicRecorder recorder = new TopicRecorder(kafka.bootstrapServers(), NAMES, Topics.ALL);
                KafkaProducer<String, byte[]> producer = new KafkaProducer<>(
                        Map.of(
                                ProducerConfig.BOOTSTRAP_SERVERS_CONFIG,
                                kafka.bootstrapServers(),
                                ProducerConfig.ACKS_CONFIG,
                                "all"),
                        new StringSerializer(),
                        new ByteArraySerializer())) {
            // each observation the root of a trace of its own, as the monitor publishes them
            for (int i = 0; i < 3; i++) {
                for (HealthObservation o : List.of(
                        observation("vantage-1", "eu10", HealthStatus.DOWN),
                        observation("vantage-2", "eu10", HealthStatus.UP),
                        observation("vantage-2", "us10", HealthStatus.UP),
                        observation("vantage-1", "us10", HealthStatus.UP))) {
                    producer.send(codec.toRecord(o, newTrace())).get();
                }
            }
            // the first of the two DOWNs that cross the threshold carries a traceparent that is not one
            ProducerRecord<String, byte[]> malformed =
                    codec.toRecord(observation("vantage-2", "eu10", HealthStatus.DOWN));
            malformed.headers().add("ce_traceparent", "00-not-a-trace-id-01".getBytes(StandardCharsets.UTF_8));
            producer.send(malformed).get();
            HealthObservation trigger = observation("vantage-2", "eu10", HealthStatus.DOWN);
            producer.send(codec.toRecord(trigger, triggerTrace)).get();

            FailoverDecision decision = recorder.await(FailoverDecision.class, d -> true, Duration.ofSeconds(60));
            assertThat(decision.kind()).isEqualTo(DecisionKind.AUTOMATIC_FAILOVER);
            assertThat(decision.fromRegion()).isEqualTo("eu10");
            assertThat(decision.toRegion()).isEqualTo("us10");
            assertThat(decision.epoch()).isEqualTo(1);
            assertThat(decision.evidence()).extracting(e -> e.observationId()).contains(trigger.id());
            recorder.await(
                    TopologyState.class, t -> t.phase() == Phase.STEADY && t.epoch() == 1, Duration.ofSeconds(60));
            assertThat(recorder.events(DeadLetter.class))
                    .as("the malformed traceparent is ignored, not dead-lettered")
                    .isEmpty();

            Awaitility.await("the failover's spans, exported")
                    .atMost(Duration.ofSeconds(60))
                    .pollInterval(Duration.ofMillis(100))
                    .until(() -> inTrace(triggerTrace).size() >= 5);
            List<SpanData> failover = inTrace(triggerTrace);
            SpanData decided = named(failover, "decision AUTOMATIC_FAILOVER");
            assertThat(decided.getParentSpanId())
                    .as("the decision continues the trace of the observation that crossed the threshold")
                    .isEqualTo(triggerTrace.parentId());
            assertThat(decided.getAttributes().asMap().toString()).contains(decision.id());
            SpanData route = named(failover, "step 0 DNS_ROUTE");
            SpanData verify = named(failover, "step 1 DNS_VERIFY");
            assertThat(List.of(route, verify))
                    .allSatisfy(step -> assertThat(step.getParentSpanId()).isEqualTo(decided.getSpanId()));
            assertThat(named(failover, "execute DNS_ROUTE").getParentSpanId()).isEqualTo(route.getSpanId());
            assertThat(named(failover, "execute DNS_VERIFY").getParentSpanId()).isEqualTo(verify.getSpanId());
            assertThat(failover).hasSize(5);
            assertThat(SPANS.getFinishedSpanItems())
                    .as("no span of the failover outside its trace")
                    .filteredOn(s -> s.getName().startsWith("decision ")
                            || s.getName().startsWith("step ")
                            || s.getName().startsWith("execute "))
                    .allSatisfy(s -> assertThat(s.getTraceId()).isEqualTo(triggerTrace.traceId()));
        }
    }

    private static List<SpanData> inTrace(TraceParent trace) {
        return SPANS.getFinishedSpanItems().stream()
                .filter(s -> s.getTraceId().equals(trace.traceId()))
                .toList();
    }

    private static SpanData named(List<SpanData> spans, String name) {
        return spans.stream()
                .filter(s -> s.getName().equals(name))
                .reduce((a, b) -> {
                    throw new AssertionError("two spans named " + name + ": " + spans);
                })
                .orElseThrow(() -> new AssertionError("no span named " + name + " in " + spans));
    }

    private static TraceParent newTrace() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        byte[] traceId = new byte[16];
        byte[] spanId = new byte[8];
        random.nextBytes(traceId);
        random.nextBytes(spanId);
        traceId[0] |= 1; // never all zero
        spanId[0] |= 1;
        return new TraceParent(HexFormat.of().formatHex(traceId), HexFormat.of().formatHex(spanId), true, null);
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
