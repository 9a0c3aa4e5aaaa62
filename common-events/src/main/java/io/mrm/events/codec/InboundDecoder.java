package io.mrm.events.codec;

import com.fasterxml.jackson.core.JsonParseException;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonMappingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.ValueInstantiationException;
import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.auth.RecordAuthenticator;
import io.mrm.events.codec.CloudEventsBinary.Envelope;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.deadletter.DeadLetterReason;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Instant;

/**
 * Reads and validates one inbound Kafka record. Never throws for bad input: the answer is either
 * the event or the dead letter that explains why not. Checks, in order: the size cap; that it is a
 * binary-mode CloudEvent with a JSON body; that its type is known and belongs on the topic; that the
 * body maps onto the record (required fields, enum values, id formats); that the envelope (id,
 * subject, key) agrees with the body; and that its time is within bounds.
 */
public final class InboundDecoder {

    private final TopicNames topicNames;
    private final String consumer;
    private final InboundLimits limits;
    private final Clock clock;
    private final RecordAuthenticator authenticator;

    /**
     * @param consumer the service that reads (its consumer group), recorded in dead letters
     */
    public InboundDecoder(TopicNames topicNames, String consumer, InboundLimits limits, Clock clock) {
        this(topicNames, consumer, limits, clock, RecordAuthenticator.off());
    }

    /**
     * @param authenticator checks the signatures of commands, acknowledgements and observations
     *                      (records that fail are dead-lettered as {@link DeadLetterReason#UNAUTHENTICATED})
     */
    public InboundDecoder(
            TopicNames topicNames,
            String consumer,
            InboundLimits limits,
            Clock clock,
            RecordAuthenticator authenticator) {
        this.topicNames = topicNames;
        this.consumer = consumer;
        this.limits = limits;
        this.clock = clock;
        this.authenticator = authenticator;
    }

    public Decoded decode(RawRecord raw) {
        try {
            return read(raw);
        } catch (Rejection rejection) {
            return new Decoded.Rejected(
                    DeadLetters.of(raw, consumer, rejection.category, rejection.getMessage(), clock.instant()));
        }
    }

    private Decoded.Accepted read(RawRecord raw) throws Rejection {
        Topic<?> topic = topicNames.topicNamed(raw.topic());
        if (topic == null) {
            throw new Rejection(DeadLetterReason.UNKNOWN_TYPE, "topic " + raw.topic() + " is not an MRM topic");
        }
        if (raw.value() == null) {
            throw new Rejection(DeadLetterReason.UNREADABLE, "record has no value (a tombstone)");
        }
        if (raw.value().length > topic.maxRecordBytes()) {
            throw new Rejection(
                    DeadLetterReason.TOO_LARGE,
                    "record value is " + raw.value().length + " bytes, over the " + topic.maxRecordBytes()
                            + "-byte cap of " + raw.topic());
        }
        Envelope envelope = envelope(raw);
        EventType<?> type = EventTypes.forCeType(envelope.type());
        if (type == null) {
            throw new Rejection(DeadLetterReason.UNKNOWN_TYPE, "unknown ce_type '" + envelope.type() + "'");
        }
        if (type.topic() != topic) {
            throw new Rejection(
                    DeadLetterReason.UNKNOWN_TYPE,
                    "ce_type '" + envelope.type() + "' does not belong on topic " + raw.topic());
        }
        String contentType = envelope.dataContentType();
        if (contentType != null && !contentType.startsWith(EventCodec.CONTENT_TYPE)) {
            throw new Rejection(DeadLetterReason.UNREADABLE, "content type '" + contentType + "' is not JSON");
        }
        MrmEvent event = body(raw.value(), type);
        checkEnvelope(raw, envelope, event);
        String forged;
        try {
            forged = authenticator.refusal(
                    topic,
                    raw.topic(),
                    event.applicationId(),
                    type.ceType(),
                    envelope.id(),
                    raw.value(),
                    raw.headers(),
                    event);
        } catch (RuntimeException e) {
            // never thrown for a record: a reader that throws is stopped by it (the engine's stream task
            // fails on it again at every restart); what cannot be checked is not authentic
            forged = "cannot be checked (" + e.getClass().getSimpleName() + ")";
        }
        if (forged != null) {
            throw new Rejection(DeadLetterReason.UNAUTHENTICATED, forged);
        }
        checkTime(topic, event);
        return new Decoded.Accepted(event, envelope.trace());
    }

    private static Envelope envelope(RawRecord raw) throws Rejection {
        try {
            return CloudEventsBinary.read(raw.headers());
        } catch (IllegalArgumentException e) {
            throw new Rejection(
                    DeadLetterReason.UNREADABLE,
                    "not a binary-mode CloudEvent (ce_specversion, ce_id, ce_type, ce_source headers): "
                            + e.getMessage());
        }
    }

    private static MrmEvent body(byte[] data, EventType<?> type) throws Rejection {
        if (data == null || blank(data)) {
            throw new Rejection(DeadLetterReason.UNREADABLE, "CloudEvent has no data");
        }
        MrmEvent event;
        try {
            event = EventJson.read(data, type.javaType());
        } catch (ValueInstantiationException e) {
            // The record's compact constructor refused a value: its message names the field; the
            // path says which nested record (e.g. 'plan[2]') when it is not the event itself.
            Throwable cause = e.getCause() == null ? e : e.getCause();
            String where = e.getPath().isEmpty() ? "" : "in " + path(e) + ": ";
            throw new Rejection(DeadLetterReason.INVALID, type.ceType() + ": " + where + cause.getMessage());
        } catch (InvalidFormatException e) {
            throw new Rejection(
                    DeadLetterReason.INVALID,
                    type.ceType() + ": field " + path(e) + " has invalid value '" + e.getValue() + "'" + allowed(e));
        } catch (JsonMappingException e) {
            if (e.getCause() instanceof JsonParseException syntax) {
                // A syntax error (e.g. truncated JSON) inside a field's value arrives wrapped with its path.
                throw new Rejection(
                        DeadLetterReason.UNREADABLE,
                        type.ceType() + ": body is not valid JSON: " + syntax.getOriginalMessage());
            }
            if (e instanceof MismatchedInputException mismatch
                    && mismatch.getTargetType() != null
                    && mismatch.getTargetType().isPrimitive()
                    && e.getOriginalMessage().contains("`null`")) {
                // Jackson's own text here tells the reader to reconfigure Jackson; say what is wrong instead.
                throw new Rejection(DeadLetterReason.INVALID, type.ceType() + ": field " + path(e) + " is required");
            }
            throw new Rejection(
                    DeadLetterReason.INVALID, type.ceType() + ": field " + path(e) + ": " + e.getOriginalMessage());
        } catch (JsonProcessingException e) {
            throw new Rejection(
                    DeadLetterReason.UNREADABLE, type.ceType() + ": body is not valid JSON: " + e.getOriginalMessage());
        } catch (IOException e) {
            throw new Rejection(DeadLetterReason.UNREADABLE, type.ceType() + ": " + e.getMessage());
        }
        if (event == null) {
            // Jackson reads the JSON literal null as a null record, not as an error.
            throw new Rejection(DeadLetterReason.INVALID, type.ceType() + ": body is JSON null, expected an object");
        }
        return event;
    }

    private static boolean blank(byte[] data) {
        for (byte b : data) {
            if (b != ' ' && b != '\t' && b != '\n' && b != '\r') {
                return false;
            }
        }
        return true;
    }

    private static void checkEnvelope(RawRecord raw, Envelope envelope, MrmEvent event) throws Rejection {
        if (!envelope.id().equals(event.id())) {
            throw new Rejection(
                    DeadLetterReason.INVALID,
                    "ce_id '" + envelope.id() + "' differs from body id '" + event.id() + "'");
        }
        if (envelope.subject() != null && !envelope.subject().equals(event.applicationId())) {
            throw new Rejection(
                    DeadLetterReason.INVALID,
                    "ce_subject '" + envelope.subject() + "' differs from body applicationId '" + event.applicationId()
                            + "'");
        }
        String key = raw.key() == null ? null : new String(raw.key(), StandardCharsets.UTF_8);
        if (!event.applicationId().equals(key)) {
            throw new Rejection(
                    DeadLetterReason.INVALID,
                    "record key '" + key + "' must be the body's applicationId '" + event.applicationId() + "'");
        }
    }

    private void checkTime(Topic<?> topic, MrmEvent event) throws Rejection {
        Instant now = clock.instant();
        if (event.time().isAfter(now.plus(limits.maxFutureSkew()))) {
            throw new Rejection(
                    DeadLetterReason.INVALID,
                    "time " + event.time() + " is more than " + limits.maxFutureSkew() + " in the future (now " + now
                            + ")");
        }
        if (topic.cleanup() == Topic.CleanupPolicy.DELETE && event.time().isBefore(now.minus(limits.maxAge()))) {
            throw new Rejection(
                    DeadLetterReason.INVALID,
                    "time " + event.time() + " is older than " + limits.maxAge() + " (now " + now + ")");
        }
    }

    private static String path(JsonMappingException e) {
        StringBuilder path = new StringBuilder();
        for (JsonMappingException.Reference ref : e.getPath()) {
            if (ref.getFieldName() != null) {
                path.append(path.length() == 0 ? "" : ".").append(ref.getFieldName());
            } else {
                path.append('[').append(ref.getIndex()).append(']');
            }
        }
        return path.length() == 0 ? "(root)" : "'" + path + "'";
    }

    private static String allowed(InvalidFormatException e) {
        Class<?> target = e.getTargetType();
        if (target != null && target.isEnum()) {
            return ", expected one of " + java.util.Arrays.toString(target.getEnumConstants());
        }
        return "";
    }

    private static final class Rejection extends Exception {
        private final DeadLetterReason category;

        Rejection(DeadLetterReason category, String message) {
            super(message, null, false, false);
            this.category = category;
        }
    }
}
