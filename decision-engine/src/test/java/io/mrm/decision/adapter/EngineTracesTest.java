package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.Evidence;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.ManualFailoverRequest;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import io.mrm.kafka.tracing.BusTracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The engine's spans of a failover, on a real OpenTelemetry SDK with an in-memory exporter. */
class EngineTracesTest {

    static final Instant NOW = Instant.parse("2026-12-07T02:00:00Z");
    static final TraceParent OBSERVED =
            new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true, null);
    static final TraceParent REQUESTED =
            new TraceParent("0af7651916cd43dd8448eb211c80319c", "b7ad6b7169203331", true, null);

    final InMemorySpanExporter spans = InMemorySpanExporter.create();
    final EngineTraces traces = new EngineTraces(tracing(spans));

    @Test
    void aDecisionContinuesTheTraceOfItsLatestEvidenceSeenWithATraceWhenItsTriggerHadNone() {
        HealthObservation earlier = observation("obs-1");
        traces.input(earlier, OBSERVED);
        traces.inputDone();
        traces.input(observation("obs-2"), null); // the trigger: its traceparent was malformed

        TraceParent decision = traces.output(decision("d-1", "obs-1", "obs-2"));

        assertThat(decision.traceId()).isEqualTo(OBSERVED.traceId());
        assertThat(decision.parentId()).isNotEqualTo(OBSERVED.parentId());
    }

    @Test
    void aManualDecisionContinuesTheRequestsTraceAndAStepSpanLastsUntilItsFinalAck() {
        traces.input(
                new ManualFailoverRequest(
                        "r-1", "orders", NOW, 1, "alice", "us10", FailoverMode.GRACEFUL, List.of(), "drill"),
                REQUESTED);
        TraceParent decision = traces.output(decision("d-2"));
        DnsRouteCommand first = command("c-1", "d-2", 1);
        TraceParent step = traces.output(first);
        traces.inputDone();

        traces.input(Acks.of(first, AckOutcome.FAILED_RETRIABLE, "THROTTLED", "429", 5, Map.of(), NOW), null);
        traces.inputDone();
        DnsRouteCommand second = command("c-2", "d-2", 2);
        assertThat(traces.output(second)).as("a retry stays in its step's span").isEqualTo(step);
        assertThat(spans.getFinishedSpanItems()).isEmpty();

        traces.input(Acks.of(second, AckOutcome.SUCCEEDED, null, "routed", 5, Map.of(), NOW), null);

        SpanData stepSpan = spans.getFinishedSpanItems().get(0);
        assertThat(stepSpan.getName()).isEqualTo("step 0 DNS_ROUTE");
        assertThat(stepSpan.getTraceId()).isEqualTo(REQUESTED.traceId());
        assertThat(stepSpan.getParentSpanId()).isEqualTo(decision.parentId());
        assertThat(stepSpan.getEvents())
                .singleElement()
                .satisfies(e -> assertThat(e.getName()).isEqualTo("attempt 1 FAILED_RETRIABLE THROTTLED"));
        assertThat(stepSpan.getAttributes().asMap().toString()).contains("mrm.attempts=2");
    }

    @Test
    void theDecisionSpanEndsWithItsPlanAndACommandIssuedAfterStillJoinsItsTrace() {
        traces.input(observation("obs-1"), OBSERVED);
        TraceParent decision = traces.output(decision("d-5", "obs-1"));
        traces.output(new TopologyState(
                "t-1",
                "orders",
                NOW,
                1,
                1,
                "us10",
                "eu10",
                Phase.STEADY,
                false,
                null,
                "d-5",
                List.of(),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of()));
        traces.inputDone();

        assertThat(spans.getFinishedSpanItems())
                .singleElement()
                .satisfies(s -> assertThat(s.getName()).isEqualTo("decision AUTOMATIC_FAILOVER"));
        // e.g. a fence left pending by a forced failover, run once the old region answers
        TraceParent late = traces.output(command("c-late", "d-5", 1));
        assertThat(late.traceId()).isEqualTo(decision.traceId());
    }

    @Test
    void aDecisionWithNoTracedEvidenceStartsATraceOfItsOwn() {
        traces.input(observation("obs-9"), null);

        TraceParent decision = traces.output(decision("d-3", "obs-9"));

        assertThat(decision.traceId()).isNotIn(OBSERVED.traceId(), REQUESTED.traceId());
    }

    @Test
    void rememberedObservationTracesAreBounded() {
        traces.input(observation("obs-first"), OBSERVED);
        for (int i = 0; i < EngineTraces.MAX_OBSERVATIONS; i++) {
            traces.input(observation("obs-" + i), REQUESTED);
        }
        traces.inputDone();

        TraceParent decision = traces.output(decision("d-4", "obs-first"));

        assertThat(decision.traceId()).as("forgotten: a new trace").isNotEqualTo(OBSERVED.traceId());
    }

    static BusTracing tracing(InMemorySpanExporter exporter) {
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(exporter))
                .build();
        io.opentelemetry.api.trace.Tracer otel = provider.get("test");
        return new BusTracing(
                new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {}),
                new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));
    }

    static HealthObservation observation(String id) {
        return new HealthObservation(
                id, "orders", NOW, 1, "eu10", "app", ProbeKind.HTTP, "vantage-1", HealthStatus.DOWN, 5L, "503");
    }

    static FailoverDecision decision(String id, String... evidence) {
        return new FailoverDecision(
                id,
                "orders",
                NOW,
                1,
                1,
                DecisionKind.AUTOMATIC_FAILOVER,
                FailoverMode.GRACEFUL,
                DecisionStatus.EXECUTING,
                "eu10",
                "us10",
                "eu10 down",
                "engine",
                null,
                List.of(),
                java.util.Arrays.stream(evidence)
                        .map(o -> new Evidence(o, "eu10", "app", "vantage-1", HealthStatus.DOWN, NOW, "503"))
                        .toList(),
                List.of(new PlanStep(0, StepAction.DNS_ROUTE, "us10", null, 30_000, 3, null, null)));
    }

    static DnsRouteCommand command(String id, String decision, int attempt) {
        return new DnsRouteCommand(
                id, "orders", NOW, 1, new StepRef(decision, 1, 0, attempt, NOW.plusSeconds(30)), "us10");
    }
}
