package io.mrm.events.codec;

import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.apache.kafka.common.header.internals.RecordHeaders;

/**
 * CloudEvents 1.0 in Kafka binary content mode (the CloudEvents Kafka protocol binding): attributes
 * in {@code ce_*} headers, {@code datacontenttype} in {@code content-type}, the data as the value.
 *
 * <p>Hand-written because building and parsing envelopes through the CloudEvents SDK (URI and
 * {@code OffsetDateTime} parsing, an intermediate event object per record) was about a tenth of
 * the decision engine's time per input. It follows the binding's rules: the SDK's own reader and
 * writer are the oracle in {@code CloudEventsBinaryTest}, which checks that each side reads what
 * the other writes and rejects what the SDK rejects.
 */
final class CloudEventsBinary {

    static final String SPECVERSION = "ce_specversion";
    static final String ID = "ce_id";
    static final String SOURCE = "ce_source";
    static final String TYPE = "ce_type";
    static final String SUBJECT = "ce_subject";
    static final String TIME = "ce_time";
    static final String DATASCHEMA = "ce_dataschema";
    static final String CONTENT_TYPE = "content-type";
    /** The distributed-tracing extension's attributes (see {@link TraceParent}). */
    static final String TRACEPARENT = "ce_traceparent";

    static final String TRACESTATE = "ce_tracestate";
    static final String V1 = "1.0";

    private static final byte[] V1_BYTES = V1.getBytes(StandardCharsets.UTF_8);
    /** Sources repeat (one per producer): each distinct one is checked as a URI once, up to a bound. */
    private static final int MAX_REMEMBERED_SOURCES = 4096;

    private static final Map<String, Boolean> VALID_SOURCES = new ConcurrentHashMap<>();

    private CloudEventsBinary() {}

    /**
     * The context attributes MRM reads; null where a header is absent. The trace context is null also when
     * malformed: it is never a reason to refuse a record.
     */
    record Envelope(
            String id,
            String source,
            String type,
            String subject,
            String time,
            String dataContentType,
            TraceParent trace) {}

    /** Encodes the constant header values of one producer once. */
    static final class Writer {
        private final byte[] source;
        private final Map<String, byte[]> types = new ConcurrentHashMap<>();
        private final byte[] contentType;

        Writer(URI source, String contentType) {
            this.source = source.toString().getBytes(StandardCharsets.UTF_8);
            this.contentType = contentType.getBytes(StandardCharsets.UTF_8);
        }

        Headers headers(String id, String type, String subject, String time) {
            RecordHeaders headers = new RecordHeaders();
            headers.add(SPECVERSION, V1_BYTES);
            headers.add(ID, utf8(id));
            headers.add(SOURCE, source);
            headers.add(TYPE, types.computeIfAbsent(type, CloudEventsBinary::utf8));
            headers.add(SUBJECT, utf8(subject));
            headers.add(TIME, utf8(time));
            headers.add(CONTENT_TYPE, contentType);
            return headers;
        }

        /** Adds the distributed-tracing extension's headers; nothing when {@code trace} is null. */
        static void trace(Headers headers, TraceParent trace) {
            if (trace == null) {
                return;
            }
            headers.add(TRACEPARENT, utf8(trace.traceparent()));
            if (trace.traceState() != null) {
                headers.add(TRACESTATE, utf8(trace.traceState()));
            }
        }
    }

    /**
     * Reads the envelope of a binary-mode record.
     *
     * @throws IllegalArgumentException naming the missing or invalid attribute
     */
    static Envelope read(Headers headers) {
        String specversion = null;
        String id = null;
        String source = null;
        String type = null;
        String subject = null;
        String time = null;
        String dataschema = null;
        String contentType = null;
        String traceparent = null;
        String tracestate = null;
        if (headers != null) {
            for (Header header : headers) {
                String key = header.key();
                if (!key.startsWith("ce_") && !key.equals(CONTENT_TYPE)) {
                    continue;
                }
                String value = header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
                switch (key) {
                    case SPECVERSION -> specversion = value;
                    case ID -> id = value;
                    case SOURCE -> source = value;
                    case TYPE -> type = value;
                    case SUBJECT -> subject = value;
                    case TIME -> time = value;
                    case DATASCHEMA -> dataschema = value;
                    case CONTENT_TYPE -> contentType = value;
                    case TRACEPARENT -> traceparent = value;
                    case TRACESTATE -> tracestate = value;
                    default -> {} // other extension attributes: allowed, not used
                }
            }
        }
        if (specversion == null) {
            throw new IllegalArgumentException("no ce_specversion header");
        }
        if (!V1.equals(specversion)) {
            throw new IllegalArgumentException(
                    "ce_specversion '" + specversion + "' is not supported (CloudEvents 1.0)");
        }
        require(ID, id);
        require(SOURCE, source);
        require(TYPE, type);
        if (!validSource(source)) {
            throw new IllegalArgumentException("ce_source '" + source + "' is not a URI-reference");
        }
        if (time != null && FastInstants.parse(time) == null) {
            try {
                OffsetDateTime.parse(time);
            } catch (DateTimeParseException e) {
                throw new IllegalArgumentException("ce_time '" + time + "' is not an RFC 3339 timestamp");
            }
        }
        if (dataschema != null && !uri(dataschema)) {
            throw new IllegalArgumentException("ce_dataschema '" + dataschema + "' is not a URI");
        }
        return new Envelope(id, source, type, subject, time, contentType, TraceParent.parse(traceparent, tracestate));
    }

    private static void require(String header, String value) {
        if (value == null || value.isEmpty()) {
            throw new IllegalArgumentException("no " + header + " header");
        }
    }

    private static boolean validSource(String source) {
        if (VALID_SOURCES.containsKey(source)) {
            return true;
        }
        boolean valid = uri(source);
        if (valid && VALID_SOURCES.size() < MAX_REMEMBERED_SOURCES) {
            VALID_SOURCES.put(source, Boolean.TRUE);
        }
        return valid;
    }

    private static boolean uri(String text) {
        try {
            new URI(text);
            return true;
        } catch (URISyntaxException e) {
            return false;
        }
    }

    private static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
