package io.mrm.health.adapter.publish;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.tracing.otel.bridge.OtelCurrentTraceContext;
import io.micrometer.tracing.otel.bridge.OtelPropagator;
import io.micrometer.tracing.otel.bridge.OtelTracer;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.health.domain.MonitorRun;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.tracing.BusTracing;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.propagation.ContextPropagators;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SimpleSpanProcessor;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import org.apache.kafka.clients.producer.MockProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.junit.jupiter.api.Test;
import org.springframework.kafka.core.KafkaTemplate;
import org.springframework.kafka.mock.MockProducerFactory;

/** Each observation the monitor publishes is the root of a trace, and its record carries that trace's context. */
class KafkaObservationSinkTest {

    @Test
    void eachObservationIsARecordedSpanWhoseContextItsRecordCarries() {
        InMemorySpanExporter spans = InMemorySpanExporter.create();
        SdkTracerProvider provider = SdkTracerProvider.builder()
                .addSpanProcessor(SimpleSpanProcessor.create(spans))
                .build();
        io.opentelemetry.api.trace.Tracer otel = provider.get("test");
        BusTracing tracing = new BusTracing(
                new OtelTracer(otel, new OtelCurrentTraceContext(), event -> {}),
                new OtelPropagator(ContextPropagators.create(W3CTraceContextPropagator.getInstance()), otel));
        // Kafka's own stand-in producer: the record as it would be sent, headers included
        MockProducer<String, byte[]> producer =
                new MockProducer<>(true, null, new StringSerializer(), new ByteArraySerializer());
        EventPublisher publisher = new EventPublisher(
                new KafkaTemplate<>(new MockProducerFactory<>(() -> producer)),
                new EventCodec(new TopicNames("mrm."), URI.create("/mrm/health-monitor/vantage-a")),
                Duration.ofSeconds(5),
                tracing);
        KafkaObservationSink sink = new KafkaObservationSink(publisher, MonitorRun.random());

        sink.publish(new HealthObservation(
                "obs-1",
                "orders",
                Instant.now(),
                1,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-a",
                HealthStatus.DOWN,
                5L,
                "HTTP 503"));

        SpanData span = spans.getFinishedSpanItems().get(0);
        assertThat(span.getName()).isEqualTo("observe app eu10");
        assertThat(span.getParentSpanContext().isValid()).as("a root").isFalse();
        ProducerRecord<String, byte[]> sent = producer.history().get(0);
        TraceParent carried = TraceParent.parse(
                new String(sent.headers().lastHeader("ce_traceparent").value(), StandardCharsets.UTF_8), null);
        assertThat(carried.traceId()).isEqualTo(span.getTraceId());
        assertThat(carried.parentId()).isEqualTo(span.getSpanId());
        assertThat(carried.sampled()).isTrue();
    }
}
