package io.mrm.events.codec;

import io.mrm.events.Require;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/** Builds {@link DeadLetter}s from a raw Kafka record; used by every consumer in the suite. */
public final class DeadLetters {

    private DeadLetters() {}

    /** Where a record came from and what it held, exactly as read. */
    public record RawRecord(String topic, int partition, long offset, byte[] key, Headers headers, byte[] value) {}

    /** Headers kept in a dead letter, keys and values together; the rest are counted in {@link #OMITTED_HEADERS}. */
    public static final int MAX_KEPT_HEADER_BYTES = 64 * 1024;
    /** The first bytes of a record key kept (an application id is at most 63). */
    public static final int MAX_KEPT_KEY_BYTES = 1024;
    /** The header entry of a dead letter that says how many of the original headers were not kept. */
    public static final String OMITTED_HEADERS = "mrm_dlq_omitted_headers";

    public static DeadLetter of(RawRecord raw, String consumer, DeadLetterReason category, String reason, Instant now) {
        byte[] value = raw.value() == null ? new byte[0] : raw.value();
        byte[] kept =
                value.length > DeadLetter.MAX_KEPT_BYTES ? Arrays.copyOf(value, DeadLetter.MAX_KEPT_BYTES) : value;
        Base64.Encoder b64 = Base64.getEncoder();
        return new DeadLetter(
                UUID.randomUUID().toString(),
                applicationIdFromKey(raw.key()),
                now,
                DeadLetter.SCHEMA_VERSION,
                consumer,
                raw.topic(),
                Math.max(0, raw.partition()),
                Math.max(0, raw.offset()),
                raw.key() == null
                        ? null
                        : b64.encodeToString(
                                raw.key().length > MAX_KEPT_KEY_BYTES
                                        ? Arrays.copyOf(raw.key(), MAX_KEPT_KEY_BYTES)
                                        : raw.key()),
                b64.encodeToString(kept),
                value.length,
                headers(raw.headers()),
                category,
                clip(reason == null || reason.isBlank() ? category.name() : reason));
    }

    /** The record key as the DLQ key: the application id when the key is one, else "unknown". */
    static String applicationIdFromKey(byte[] key) {
        if (key == null) {
            return DeadLetter.UNKNOWN_APPLICATION;
        }
        String text = new String(key, StandardCharsets.UTF_8);
        return Require.NAME.matcher(text).matches() ? text : DeadLetter.UNKNOWN_APPLICATION;
    }

    private static Map<String, String> headers(Headers headers) {
        Map<String, String> out = new LinkedHashMap<>();
        if (headers != null) {
            int kept = 0;
            int omitted = 0;
            long omittedBytes = 0;
            for (Header header : headers) {
                // a control character in a key takes six bytes in JSON: counted so
                int size = 6 * header.key().length() + (header.value() == null ? 0 : header.value().length);
                if (omitted > 0 || kept + size > MAX_KEPT_HEADER_BYTES) {
                    // the broker takes about 1 MiB of headers, the dead-letter topic as much in all: kept
                    // whole (base64, a third larger) beside 512 KiB of value, they would not fit it
                    omitted++;
                    omittedBytes += header.key().length() + (header.value() == null ? 0 : header.value().length);
                    continue;
                }
                kept += size;
                // A repeated header keeps its last value, which is the one Kafka clients read.
                out.put(
                        header.key(),
                        header.value() == null ? "" : Base64.getEncoder().encodeToString(header.value()));
            }
            if (omitted > 0) {
                out.put(
                        OMITTED_HEADERS,
                        Base64.getEncoder()
                                .encodeToString((omitted + " headers (" + omittedBytes + " bytes) not kept: over "
                                                + MAX_KEPT_HEADER_BYTES + " bytes of headers")
                                        .getBytes(StandardCharsets.UTF_8)));
            }
        }
        return out;
    }

    private static String clip(String reason) {
        return reason.length() <= Require.MAX_TEXT ? reason : reason.substring(0, Require.MAX_TEXT - 3) + "...";
    }
}
