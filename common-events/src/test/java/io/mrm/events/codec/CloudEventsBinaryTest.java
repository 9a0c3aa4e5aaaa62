package io.mrm.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cloudevents.CloudEvent;
import io.cloudevents.core.builder.CloudEventBuilder;
import io.cloudevents.kafka.KafkaMessageFactory;
import io.mrm.events.TopicNames;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** {@link CloudEventsBinary} against the CloudEvents SDK's Kafka binding, as the oracle. */
class CloudEventsBinaryTest {

    final EventCodec codec = new EventCodec(new TopicNames("mrm."), URI.create("/mrm/health-monitor/vantage-a"));
    final HealthObservation observation = new HealthObservation(
            "obs-1",
            "orders",
            Instant.parse("2026-11-25T10:00:41.250Z"),
            1,
            "eu10",
            "app",
            ProbeKind.HTTP,
            "vantage-a",
            HealthStatus.UP,
            12L,
            null);

    @Test
    void theSdkReadsWhatTheCodecWrites() {
        ProducerRecord<String, byte[]> record = codec.toRecord(observation);
        CloudEvent event = KafkaMessageFactory.createReader(record.headers(), record.value())
                .toEvent();
        assertThat(event.getSpecVersion().toString()).isEqualTo("1.0");
        assertThat(event.getId()).isEqualTo("obs-1");
        assertThat(event.getType()).isEqualTo("io.mrm.health.observation.v1");
        assertThat(event.getSource()).isEqualTo(URI.create("/mrm/health-monitor/vantage-a"));
        assertThat(event.getSubject()).isEqualTo("orders");
        assertThat(event.getTime()).isEqualTo(OffsetDateTime.parse("2026-11-25T10:00:41.250Z"));
        assertThat(event.getDataContentType()).isEqualTo("application/json");
        assertThat(event.getData().toBytes()).isEqualTo(record.value());
        assertThat(record.key()).isEqualTo("orders");
    }

    @Test
    void theCodecReadsWhatTheSdkWrites() {
        CloudEvent event = CloudEventBuilder.v1()
                .withId("obs-9")
                .withType("io.mrm.health.observation.v1")
                .withSource(URI.create("https://monitor.example/vantage-b"))
                .withSubject("orders")
                .withTime(OffsetDateTime.of(2026, 11, 25, 11, 0, 0, 0, ZoneOffset.ofHours(1)))
                .withDataContentType("application/json")
                .withExtension("traceparent", "00-abc-def-01")
                .withData("{}".getBytes(StandardCharsets.UTF_8))
                .build();
        ProducerRecord<String, byte[]> record = KafkaMessageFactory.createWriter("mrm.health.observations", "orders")
                .writeBinary(event);
        CloudEventsBinary.Envelope envelope = CloudEventsBinary.read(record.headers());
        assertThat(envelope)
                .isEqualTo(new CloudEventsBinary.Envelope(
                        "obs-9",
                        "https://monitor.example/vantage-b",
                        "io.mrm.health.observation.v1",
                        "orders",
                        "2026-11-25T11:00:00+01:00",
                        "application/json",
                        null));
    }

    @Test
    void theSdkReadsTheTraceContextTheCodecWrites() {
        TraceParent trace =
                new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true, "rojo=1,congo=2");
        ProducerRecord<String, byte[]> record = codec.toRecord(observation, trace);
        CloudEvent event = KafkaMessageFactory.createReader(record.headers(), record.value())
                .toEvent();
        assertThat(event.getExtension("traceparent"))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(event.getExtension("tracestate")).isEqualTo("rojo=1,congo=2");
    }

    @Test
    void theCodecReadsTheTraceContextTheSdkWrites() {
        CloudEvent event = CloudEventBuilder.v1()
                .withId("obs-9")
                .withType("io.mrm.health.observation.v1")
                .withSource(URI.create("/monitor"))
                .withExtension("traceparent", "00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-00")
                .withExtension("tracestate", "congo=t61rcWkgMzE")
                .withData("{}".getBytes(StandardCharsets.UTF_8))
                .build();
        ProducerRecord<String, byte[]> record = KafkaMessageFactory.createWriter("mrm.health.observations", "orders")
                .writeBinary(event);
        assertThat(CloudEventsBinary.read(record.headers()).trace())
                .isEqualTo(new TraceParent(
                        "4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", false, "congo=t61rcWkgMzE"));
    }

    @Test
    void aMalformedTraceparentIsIgnoredNotRefused() {
        Headers headers = validHeaders();
        headers.add("ce_traceparent", "00-not-a-trace-01".getBytes(StandardCharsets.UTF_8));
        headers.add("ce_tracestate", "rojo=1".getBytes(StandardCharsets.UTF_8));
        CloudEventsBinary.Envelope envelope = CloudEventsBinary.read(headers);
        assertThat(envelope.id()).isEqualTo("obs-1");
        assertThat(envelope.trace()).isNull();
    }

    @ParameterizedTest(name = "{0}={1}")
    @CsvSource(
            delimiter = '|',
            value = {
                "ce_specversion|0.2|is not supported",
                "ce_source|http://a b|is not a URI-reference",
                "ce_time|yesterday|is not an RFC 3339 timestamp",
                "ce_time|2026-02-30T10:00:00Z|is not an RFC 3339 timestamp",
                "ce_dataschema|::|is not a URI",
            })
    void rejectsWhatTheSdkRejects(String header, String value, String message) {
        Headers headers = validHeaders();
        headers.remove(header);
        headers.add(header, (value == null ? "" : value).getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> KafkaMessageFactory.createReader(headers, new byte[] {'{', '}'})
                        .toEvent())
                .as("the SDK rejects it too")
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> CloudEventsBinary.read(headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @ParameterizedTest
    @CsvSource({"ce_specversion", "ce_id", "ce_source", "ce_type"})
    void requiredAttributesMustBePresent(String header) {
        Headers headers = validHeaders();
        headers.remove(header);
        assertThatThrownBy(() -> KafkaMessageFactory.createReader(headers, new byte[] {'{', '}'})
                        .toEvent())
                .as("the SDK rejects it too")
                .isInstanceOf(RuntimeException.class);
        assertThatThrownBy(() -> CloudEventsBinary.read(headers))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(header);
    }

    @Test
    void anEmptyIdIsRejectedAsTheSpecRequiresThoughTheSdkDoesNotCheck() {
        Headers headers = validHeaders();
        headers.remove("ce_id");
        headers.add("ce_id", new byte[0]);
        assertThatThrownBy(() -> CloudEventsBinary.read(headers)).hasMessage("no ce_id header");
    }

    @Test
    void optionalAttributesMayBeAbsent() {
        Headers headers = validHeaders();
        headers.remove("ce_subject");
        headers.remove("ce_time");
        headers.remove("content-type");
        assertThat(CloudEventsBinary.read(headers).subject()).isNull();
    }

    private Headers validHeaders() {
        return new RecordHeaders(codec.toRecord(observation).headers().toArray());
    }
}
