package io.mrm.events.codec;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.observation.HealthObservation;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.observation.ProbeKind;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

class InboundDecoderTest {

    private static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");
    private static final String CONSUMER = "decision-engine";
    private static final int PARTITION = 0;
    private static final long OFFSET = 184_467L;

    private final TopicNames topicNames = TopicNames.defaults();
    private final EventCodec codec = new EventCodec(topicNames, URI.create("/mrm/health-monitor/vantage-a"));
    private final InboundDecoder decoder = decoderAt(NOW);

    // ---------------------------------------------------------------- accepted

    static Stream<Named<EventType<?>>> types() {
        return EventTypes.ALL.stream().map(type -> Named.of(type.ceType(), type));
    }

    @ParameterizedTest
    @MethodSource("types")
    void everySampleRoundTripsThroughTheCodecAndTheDecoder(EventType<?> type) {
        MrmEvent sample = sample(type);
        // The samples span 2026-11-25 08:00 to 16:30; read them that evening.
        InboundDecoder evening = decoderAt(Instant.parse("2026-11-25T17:00:00Z"));

        Decoded decoded = evening.decode(raw(codec.toRecord(sample)));

        assertThat(decoded).isEqualTo(new Decoded.Accepted(sample));
    }

    @Test
    void observationRoundTripsAndTheRecordCarriesTheCloudEventsEnvelope() {
        HealthObservation observation = observation("obs-1", NOW.minusSeconds(18));

        ProducerRecord<String, byte[]> record = codec.toRecord(observation);
        Decoded decoded = decoder.decode(raw(record));

        assertThat(decoded).isEqualTo(new Decoded.Accepted(observation));
        assertThat(record.topic()).isEqualTo("mrm.health.observations");
        assertThat(record.key()).isEqualTo("orders");
        assertThat(header(record.headers(), "ce_type")).isEqualTo("io.mrm.health.observation.v1");
        assertThat(header(record.headers(), "ce_id")).isEqualTo("obs-1");
        assertThat(header(record.headers(), "ce_subject")).isEqualTo("orders");
        assertThat(header(record.headers(), "content-type")).isEqualTo("application/json");
    }

    @Test
    void theTraceContextARecordCarriesIsReadOnDecode() {
        HealthObservation observation = observation("obs-1", NOW.minusSeconds(18));
        TraceParent trace = new TraceParent("4bf92f3577b34da6a3ce929d0e0e4736", "00f067aa0ba902b7", true, null);

        ProducerRecord<String, byte[]> record = codec.toRecord(observation, trace);

        assertThat(header(record.headers(), "ce_traceparent"))
                .isEqualTo("00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01");
        assertThat(decoder.decode(raw(record))).isEqualTo(new Decoded.Accepted(observation, trace));
    }

    @Test
    void aMalformedTraceparentNeitherRefusesTheRecordNorReachesTheEvent() {
        HealthObservation observation = observation("obs-1", NOW.minusSeconds(18));
        ProducerRecord<String, byte[]> record = codec.toRecord(observation);
        record.headers().add("ce_traceparent", "00-zzzz-01".getBytes(StandardCharsets.UTF_8));

        assertThat(decoder.decode(raw(record))).isEqualTo(new Decoded.Accepted(observation, null));
    }

    @Test
    void anEventAtTheEdgeOfTheFutureSkewIsAccepted() {
        HealthObservation observation = observation("obs-1", NOW.plus(Duration.ofMinutes(5)));

        assertThat(decoder.decode(raw(codec.toRecord(observation)))).isInstanceOf(Decoded.Accepted.class);
    }

    @Test
    void oldStateOnTheCompactedTopologyTopicIsAccepted() {
        TopologyState state = new TopologyState(
                "topo-orders-1",
                "orders",
                NOW.minus(Duration.ofDays(30)),
                TopologyState.SCHEMA_VERSION,
                3,
                "eu10",
                "us10",
                Phase.STEADY,
                false,
                null,
                null,
                List.of(),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of());

        Decoded decoded = decoder.decode(raw(codec.toRecord(state)));

        assertThat(Topics.TOPOLOGY.cleanup()).isEqualTo(Topic.CleanupPolicy.COMPACT);
        assertThat(decoded).isEqualTo(new Decoded.Accepted(state));
    }

    // ---------------------------------------------------------------- rejected: envelope and bytes

    @Test
    void garbageBytesAreUnreadable() {
        byte[] garbage = {0x00, (byte) 0xff, 0x13, 0x37, (byte) 0xc0, 0x7f, 0x01};
        RawRecord raw = withValue(validObservationRecord(), garbage);

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNREADABLE);

        assertThat(deadLetter.reason()).contains("io.mrm.health.observation.v1").contains("not valid JSON");
    }

    @ParameterizedTest
    @ValueSource(ints = {1, 12, 50, 100, -1})
    void truncatedJsonIsUnreadableWhereverItIsCut(int cut) {
        // Cut inside a string value, a field name, between fields, just before the closing brace.
        RawRecord valid = validObservationRecord();
        int length = cut > 0 ? cut : valid.value().length + cut;
        RawRecord raw = withValue(valid, Arrays.copyOf(valid.value(), length));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNREADABLE);

        assertThat(deadLetter.reason())
                .startsWith("io.mrm.health.observation.v1: body is not valid JSON: ")
                .contains("end-of-input");
    }

    @Test
    void aBlankValueIsUnreadable() {
        RawRecord raw = withValue(validObservationRecord(), "  \n".getBytes(StandardCharsets.UTF_8));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNREADABLE);

        assertThat(deadLetter.reason()).isEqualTo("CloudEvent has no data");
    }

    @Test
    void anUnknownCeTypeIsRefused() {
        RawRecord raw = withHeader(validObservationRecord(), "ce_type", "io.mrm.health.observation.v9");

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNKNOWN_TYPE);

        assertThat(deadLetter.reason()).isEqualTo("unknown ce_type 'io.mrm.health.observation.v9'");
    }

    @Test
    void aCeTypeOfAnotherTopicIsRefused() {
        RawRecord raw = withHeader(validObservationRecord(), "ce_type", "io.mrm.operator.freeze.v1");

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNKNOWN_TYPE);

        assertThat(deadLetter.reason())
                .isEqualTo("ce_type 'io.mrm.operator.freeze.v1' does not belong on topic mrm.health.observations");
    }

    @Test
    void aRecordOnATopicThatIsNotOursIsRefused() {
        RawRecord valid = validObservationRecord();
        RawRecord raw = new RawRecord(
                "other.health.observations", PARTITION, OFFSET, valid.key(), valid.headers(), valid.value());

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNKNOWN_TYPE);

        assertThat(deadLetter.reason()).isEqualTo("topic other.health.observations is not an MRM topic");
    }

    @Test
    void aValueOverTheSizeCapIsRefusedBeforeItIsParsed() {
        byte[] oversized = new byte[Topic.EVENT_SIZE_CAP + 1];
        Arrays.fill(oversized, (byte) ' ');
        RawRecord raw = withValue(validObservationRecord(), oversized);

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.TOO_LARGE);

        assertThat(deadLetter.reason())
                .isEqualTo("record value is 65537 bytes, over the 65536-byte cap of mrm.health.observations");
        assertThat(deadLetter.valueSize()).isEqualTo(65_537);
    }

    @Test
    void aValueExactlyAtTheSizeCapIsParsed() {
        RawRecord valid = validObservationRecord();
        byte[] padded = Arrays.copyOf(valid.value(), Topic.EVENT_SIZE_CAP);
        Arrays.fill(padded, valid.value().length, padded.length, (byte) ' '); // trailing whitespace is still JSON

        assertThat(decoder.decode(withValue(valid, padded))).isInstanceOf(Decoded.Accepted.class);
    }

    @Test
    void aRecordWithoutCloudEventsHeadersIsUnreadable() {
        RawRecord valid = validObservationRecord();
        RawRecord raw =
                new RawRecord(valid.topic(), PARTITION, OFFSET, valid.key(), new RecordHeaders(), valid.value());

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNREADABLE);

        assertThat(deadLetter.reason()).startsWith("not a binary-mode CloudEvent");
        assertThat(deadLetter.headers()).isEmpty();
    }

    @Test
    void aTombstoneIsUnreadable() {
        RawRecord raw = withValue(validObservationRecord(), null);

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNREADABLE);

        assertThat(deadLetter.reason()).isEqualTo("record has no value (a tombstone)");
        assertThat(deadLetter.valueBase64()).isEmpty();
        assertThat(deadLetter.valueSize()).isZero();
    }

    @Test
    void aContentTypeOtherThanJsonIsUnreadable() {
        RawRecord raw = withHeader(validObservationRecord(), "content-type", "text/plain");

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.UNREADABLE);

        assertThat(deadLetter.reason()).isEqualTo("content type 'text/plain' is not JSON");
    }

    // ---------------------------------------------------------------- rejected: body

    @Test
    void aMissingRequiredFieldIsInvalidAndNamed() {
        RawRecord raw = withBody(validObservationRecord(), body -> body.remove("region"));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("io.mrm.health.observation.v1: region is required");
    }

    @Test
    void aMissingNumberIsInvalidAndNamed() {
        RawRecord raw = withBody(validObservationRecord(), body -> body.remove("schemaVersion"));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("io.mrm.health.observation.v1: field 'schemaVersion' is required");
    }

    @Test
    void anInvalidEnumValueIsInvalidAndTheAllowedValuesAreListed() {
        RawRecord raw = withBody(validObservationRecord(), body -> body.put("status", "SIDEWAYS"));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason())
                .isEqualTo("io.mrm.health.observation.v1: field 'status' has invalid value"
                        + " 'SIDEWAYS', expected one of [UP, DEGRADED, DOWN]");
    }

    @Test
    void anEnumOrdinalIsNotReadAsAConstant() {
        RawRecord raw = withBody(validObservationRecord(), body -> body.put("status", 2));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).contains("'status'");
    }

    @Test
    void aBadIdFormatIsInvalid() {
        RawRecord raw = withBody(validObservationRecord(), body -> body.put("id", "obs 1!"));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason())
                .isEqualTo(
                        "io.mrm.health.observation.v1: id 'obs 1!' is not valid: 1-128 characters of [A-Za-z0-9._:-]");
    }

    @Test
    void anInvalidNestedRecordIsNamedWithItsPath() {
        RawRecord raw = raw(codec.toRecord(sample(EventTypes.forCeType("io.mrm.decision.failover.v1"))));
        RawRecord broken = withBody(raw, body -> ((ObjectNode) ((ArrayNode) body.get("plan")).get(2)).remove("region"));

        DeadLetter deadLetter = rejected(broken, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("io.mrm.decision.failover.v1: in 'plan[2]': region is required");
    }

    @Test
    void aJsonNullBodyIsInvalid() {
        RawRecord raw = withValue(validObservationRecord(), "null".getBytes(StandardCharsets.UTF_8));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason())
                .isEqualTo("io.mrm.health.observation.v1: body is JSON null, expected an object");
    }

    @Test
    void aJsonArrayBodyIsInvalid() {
        RawRecord raw = withValue(validObservationRecord(), "[]".getBytes(StandardCharsets.UTF_8));

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).startsWith("io.mrm.health.observation.v1: field (root)");
    }

    // ---------------------------------------------------------------- rejected: envelope against body

    @Test
    void aKeyOtherThanTheApplicationIdIsInvalid() {
        RawRecord valid = validObservationRecord();
        RawRecord raw = new RawRecord(
                valid.topic(),
                PARTITION,
                OFFSET,
                "payments".getBytes(StandardCharsets.UTF_8),
                valid.headers(),
                valid.value());

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("record key 'payments' must be the body's applicationId 'orders'");
    }

    @Test
    void aMissingKeyIsInvalidAndDeadLetteredUnderUnknown() {
        RawRecord valid = validObservationRecord();
        RawRecord raw = new RawRecord(valid.topic(), PARTITION, OFFSET, null, valid.headers(), valid.value());

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("record key 'null' must be the body's applicationId 'orders'");
        assertThat(deadLetter.applicationId()).isEqualTo(DeadLetter.UNKNOWN_APPLICATION);
        assertThat(deadLetter.keyBase64()).isNull();
    }

    @Test
    void aCeIdOtherThanTheBodyIdIsInvalid() {
        RawRecord raw = withHeader(validObservationRecord(), "ce_id", "obs-2");

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("ce_id 'obs-2' differs from body id 'obs-1'");
    }

    @Test
    void aCeSubjectOtherThanTheApplicationIdIsInvalid() {
        RawRecord raw = withHeader(validObservationRecord(), "ce_subject", "payments");

        DeadLetter deadLetter = rejected(raw, DeadLetterReason.INVALID);

        assertThat(deadLetter.reason()).isEqualTo("ce_subject 'payments' differs from body applicationId 'orders'");
    }

    // ---------------------------------------------------------------- rejected: time

    @Test
    void aTimeMoreThanFiveMinutesInTheFutureIsInvalid() {
        HealthObservation early =
                observation("obs-1", NOW.plus(Duration.ofMinutes(5)).plusSeconds(1));

        DeadLetter deadLetter = rejected(raw(codec.toRecord(early)), DeadLetterReason.INVALID);

        assertThat(deadLetter.reason())
                .isEqualTo("time 2026-11-25T10:05:01Z is more than PT5M in the future (now 2026-11-25T10:00:00Z)");
    }

    @Test
    void aTimeOlderThanMaxAgeOnADeleteTopicIsInvalid() {
        HealthObservation stale =
                observation("obs-1", NOW.minus(Duration.ofDays(7)).minusSeconds(1));

        DeadLetter deadLetter = rejected(raw(codec.toRecord(stale)), DeadLetterReason.INVALID);

        assertThat(Topics.OBSERVATIONS.cleanup()).isEqualTo(Topic.CleanupPolicy.DELETE);
        assertThat(deadLetter.reason())
                .isEqualTo("time 2026-11-18T09:59:59Z is older than PT168H (now 2026-11-25T10:00:00Z)");
    }

    // ---------------------------------------------------------------- helpers

    /**
     * Decodes, expects a rejection of that category, and checks the dead letter keeps everything
     * needed to inspect and re-inject the record.
     */
    private DeadLetter rejected(RawRecord raw, DeadLetterReason category) {
        Decoded decoded = decoder.decode(raw);

        assertThat(decoded).isInstanceOf(Decoded.Rejected.class);
        DeadLetter deadLetter = ((Decoded.Rejected) decoded).deadLetter();
        Base64.Encoder b64 = Base64.getEncoder();
        assertThat(deadLetter.category()).isEqualTo(category);
        assertThat(deadLetter.consumer()).isEqualTo(CONSUMER);
        assertThat(deadLetter.time()).isEqualTo(NOW);
        assertThat(deadLetter.sourceTopic()).isEqualTo(raw.topic());
        assertThat(deadLetter.partition()).isEqualTo(PARTITION);
        assertThat(deadLetter.offset()).isEqualTo(OFFSET);
        byte[] value = raw.value() == null ? new byte[0] : raw.value();
        assertThat(deadLetter.valueBase64()).isEqualTo(b64.encodeToString(value));
        assertThat(deadLetter.valueSize()).isEqualTo(value.length);
        assertThat(deadLetter.keyBase64()).isEqualTo(raw.key() == null ? null : b64.encodeToString(raw.key()));
        if (raw.key() != null) {
            assertThat(deadLetter.applicationId()).isEqualTo(new String(raw.key(), StandardCharsets.UTF_8));
        }
        Map<String, String> headers = new LinkedHashMap<>();
        raw.headers().forEach(header -> headers.put(header.key(), b64.encodeToString(header.value())));
        assertThat(deadLetter.headers()).isEqualTo(headers);
        assertThat(deadLetter.reason()).isNotBlank();
        assertThatCode(() -> codec.toRecord(deadLetter))
                .as("the dead letter itself can be published")
                .doesNotThrowAnyException();
        return deadLetter;
    }

    private InboundDecoder decoderAt(Instant now) {
        return new InboundDecoder(topicNames, CONSUMER, InboundLimits.DEFAULTS, Clock.fixed(now, ZoneOffset.UTC));
    }

    private static HealthObservation observation(String id, Instant time) {
        return new HealthObservation(
                id,
                "orders",
                time,
                HealthObservation.SCHEMA_VERSION,
                "eu10",
                "app",
                ProbeKind.HTTP,
                "vantage-a",
                HealthStatus.DOWN,
                5000L,
                "GET /health timed out after 5000 ms");
    }

    private RawRecord validObservationRecord() {
        return raw(codec.toRecord(observation("obs-1", NOW.minusSeconds(18))));
    }

    private static RawRecord raw(ProducerRecord<String, byte[]> record) {
        byte[] key = record.key() == null ? null : record.key().getBytes(StandardCharsets.UTF_8);
        return new RawRecord(record.topic(), PARTITION, OFFSET, key, record.headers(), record.value());
    }

    private static RawRecord withValue(RawRecord raw, byte[] value) {
        return new RawRecord(raw.topic(), raw.partition(), raw.offset(), raw.key(), raw.headers(), value);
    }

    private static RawRecord withBody(RawRecord raw, Consumer<ObjectNode> change) {
        try {
            ObjectNode body = (ObjectNode) EventJson.mapper().readTree(raw.value());
            change.accept(body);
            return withValue(raw, EventJson.write(body));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static RawRecord withHeader(RawRecord raw, String key, String value) {
        Headers headers = new RecordHeaders();
        for (Header header : raw.headers()) {
            if (!header.key().equals(key)) {
                headers.add(header);
            }
        }
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
        return new RawRecord(raw.topic(), raw.partition(), raw.offset(), raw.key(), headers, raw.value());
    }

    private static String header(Headers headers, String key) {
        Header header = headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }

    private static MrmEvent sample(EventType<?> type) {
        String path = "/samples/" + type.schemaFile();
        try (InputStream in = InboundDecoderTest.class.getResourceAsStream(path)) {
            assertThat(in).as(path).isNotNull();
            return EventJson.read(in.readAllBytes(), type.javaType());
        } catch (IOException e) {
            throw new UncheckedIOException(path, e);
        }
    }
}
