package io.mrm.decision.adapter;

import io.mrm.events.Require;
import io.mrm.events.codec.DeadLetters;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.deadletter.DeadLetter;
import io.mrm.events.deadletter.DeadLetterReason;
import io.mrm.events.decision.Alert;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Base64;
import java.util.Optional;
import java.util.UUID;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.utils.Utils;

/**
 * Refuses an input record that is not on the partition Kafka's Java client chooses for its key.
 *
 * <p>Every MRM topic is keyed by application id, so the one engine task that owns an application's
 * partition holds its state. A record on another partition — from a client whose partitioner is not
 * the Java client's murmur2 (kcat's default is CRC32), or from a producer that picks the partition
 * itself — reaches a task without that state, which would build a fresh one and act on it. Such a
 * record is dead-lettered and an alert names the producer; it never reaches the core. A record
 * without a key is left to the decoder, which refuses it because its key is not its application id.
 */
final class PartitionCheck {

    static final String ALERT_CODE = io.mrm.decision.domain.AlertCode.WRONG_PARTITION.name();
    private static final int MAX_KEY_SHOWN = 80;

    private final String consumer;

    /** What to publish instead of processing the record. */
    record Refusal(DeadLetter deadLetter, Alert alert) {}

    /** @param consumer the engine's service name, recorded in dead letters */
    PartitionCheck(String consumer) {
        this.consumer = consumer;
    }

    /** The partition Kafka's Java producer chooses for a record with this key (its built-in partitioner). */
    static int partitionFor(byte[] key, int partitionCount) {
        return Utils.toPositive(Utils.murmur2(key)) % partitionCount;
    }

    /**
     * @param partitionCount the partitions of the record's topic, as the engine counted them at start
     * @return the refusal, or empty when the record is where its key belongs (or has no key)
     */
    Optional<Refusal> check(RawRecord raw, int partitionCount, Instant now) {
        if (raw.key() == null) {
            return Optional.empty();
        }
        int expected = partitionFor(raw.key(), partitionCount);
        if (expected == raw.partition()) {
            return Optional.empty();
        }
        String key = shown(raw.key());
        String reason = "key " + key + " belongs on partition " + expected + " of the " + partitionCount
                + " of " + raw.topic() + " (Kafka's Java partitioner: murmur2 of the key), but the record arrived on "
                + "partition " + raw.partition() + " at offset " + raw.offset()
                + ": the engine task that holds the application's state never sees it there";
        DeadLetter deadLetter = DeadLetters.of(raw, consumer, DeadLetterReason.WRONG_PARTITION, reason, now);
        String message = "refused a record on " + raw.topic() + " partition " + raw.partition() + " offset "
                + raw.offset() + " (" + header(raw, "ce_type") + " from ce_source " + header(raw, "ce_source")
                + "): its key " + key + " belongs on partition " + expected + " of " + partitionCount
                + ". Its producer does not partition like Kafka's Java client: with kcat or another librdkafka "
                + "client add -X partitioner=murmur2_random; a producer that sets the partition itself must "
                + "leave it to the partitioner. The record is in the dead-letter topic; resend it once fixed.";
        Alert alert = refusedRecordAlert(
                "wrong-partition",
                io.mrm.decision.domain.AlertCode.WRONG_PARTITION,
                raw,
                deadLetter.applicationId(),
                now,
                message);
        return Optional.of(new Refusal(deadLetter, alert));
    }

    /**
     * The alert about one record the engine refused before its core saw it. Its id comes from the record's
     * coordinates: a step re-run after an aborted transaction writes the same id.
     */
    static Alert refusedRecordAlert(
            String kind,
            io.mrm.decision.domain.AlertCode code,
            RawRecord raw,
            String applicationId,
            Instant now,
            String message) {
        String coordinates = kind + ":" + raw.topic() + ":" + raw.partition() + ":" + raw.offset();
        return new Alert(
                UUID.nameUUIDFromBytes(coordinates.getBytes(StandardCharsets.UTF_8))
                        .toString(),
                applicationId,
                now,
                Alert.SCHEMA_VERSION,
                code.severity(),
                code.name(),
                clip(message),
                null,
                null);
    }

    /** The key as text when it is an application id, else (whatever a producer sent) as bounded base64. */
    private static String shown(byte[] key) {
        String text = new String(key, StandardCharsets.UTF_8);
        if (Require.NAME.matcher(text).matches()) {
            return "'" + text + "'";
        }
        String base64 = Base64.getEncoder().encodeToString(key);
        return "(base64) " + (base64.length() <= MAX_KEY_SHOWN ? base64 : base64.substring(0, MAX_KEY_SHOWN) + "...");
    }

    private static String header(RawRecord raw, String name) {
        Header header = raw.headers() == null ? null : raw.headers().lastHeader(name);
        if (header == null || header.value() == null) {
            return "(no " + name + ")";
        }
        String value = new String(header.value(), StandardCharsets.UTF_8);
        return value.length() <= MAX_KEY_SHOWN ? "'" + value + "'" : "'" + value.substring(0, MAX_KEY_SHOWN) + "...'";
    }

    private static String clip(String text) {
        return text.length() <= Require.MAX_TEXT ? text : text.substring(0, Require.MAX_TEXT - 3) + "...";
    }
}
