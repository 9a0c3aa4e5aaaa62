package io.mrm.events.deadletter;

import io.mrm.events.Require;
import java.time.Instant;
import java.util.Map;

/**
 * A record some consumer could not read, validate or process, kept with everything needed to
 * inspect and re-inject it. The original value is kept up to {@link #MAX_KEPT_BYTES}.
 *
 * @param applicationId  the record's key if it is a valid application id, else {@link #UNKNOWN_APPLICATION}
 * @param consumer       the service (consumer group) that gave up on it
 * @param sourceTopic    where the record was read
 * @param keyBase64      the original key bytes, base64, if any
 * @param valueBase64    the original value bytes (the first {@link #MAX_KEPT_BYTES}), base64; empty when it had none
 * @param valueSize      the original value's size in bytes
 * @param headers        the original headers, values base64
 * @param category       why, coarsely
 * @param reason         why, exactly
 */
public record DeadLetter(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        String consumer,
        String sourceTopic,
        int partition,
        long offset,
        String keyBase64,
        String valueBase64,
        int valueSize,
        Map<String, String> headers,
        DeadLetterReason category,
        String reason)
        implements DeadLetterEvent {

    public static final int SCHEMA_VERSION = 1;
    public static final String UNKNOWN_APPLICATION = "unknown";
    public static final int MAX_KEPT_BYTES = 512 * 1024;

    public DeadLetter {
        Require.common(id, applicationId, time, schemaVersion);
        Require.text("consumer", consumer);
        Require.text("sourceTopic", sourceTopic);
        Require.atLeast("partition", partition, 0);
        Require.atLeast("offset", offset, 0);
        Require.present("valueBase64", valueBase64);
        Require.atLeast("valueSize", valueSize, 0);
        headers = Require.map("headers", headers);
        Require.present("category", category);
        Require.text("reason", reason);
    }
}
