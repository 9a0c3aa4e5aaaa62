package io.mrm.decision.adapter;

import io.mrm.events.EventType;
import io.mrm.events.EventTypes;
import io.mrm.events.MrmEvent;
import io.mrm.events.codec.EventJson;
import io.mrm.events.command.StepCommand;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.TopologyState;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Map;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Predicate;
import org.apache.kafka.clients.producer.ProducerInterceptor;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;

/**
 * A test hook for the engine's transactional producer (set as its {@code interceptor.classes} in an
 * engine JVM that a test kills): once the broker has acknowledged the record the test waits for, it
 * writes that record's position to a marker file and then blocks the producer's I/O thread for good.
 * The record is in the log but its transaction cannot commit any more (a commit first flushes the
 * producer, and the flush waits for this acknowledgement to return), so a SIGKILL sent after the
 * marker appears always lands mid-transaction, however slow the machine is.
 *
 * <p>Settings, as producer configs: {@value #HOLD_AT} — {@code command:N} (the command of step N)
 * or {@code steady:REGION} (the topology that ends a plan in REGION); {@value #MARKER} — the file.
 */
public final class HoldTransactionOpen implements ProducerInterceptor<byte[], byte[]> {

    static final String HOLD_AT = "mrm.test.hold-transaction-at";
    static final String MARKER = "mrm.test.hold-transaction-marker";

    private Predicate<MrmEvent> target = event -> false;
    private Path marker;
    /** The id of the target record once it was sent (it is acknowledged on another thread). */
    private volatile String heldId;

    /** The producer settings that make an engine hold its transaction open at {@code holdAt}. */
    static Map<String, String> settings(String holdAt, Path marker) {
        return Map.of(
                "interceptor.classes", HoldTransactionOpen.class.getName(), HOLD_AT, holdAt, MARKER, marker.toString());
    }

    @Override
    public void configure(Map<String, ?> configs) {
        Object holdAt = configs.get(HOLD_AT);
        Object file = configs.get(MARKER);
        if (holdAt == null || file == null) {
            throw new IllegalArgumentException(HOLD_AT + " and " + MARKER + " are required");
        }
        this.marker = Path.of(file.toString());
        this.target = parse(holdAt.toString());
    }

    static Predicate<MrmEvent> parse(String holdAt) {
        String[] parts = holdAt.split(":", 2);
        if (parts.length == 2 && parts[0].equals("command")) {
            int index = Integer.parseInt(parts[1]);
            return e -> e instanceof StepCommand c && c.step().stepIndex() == index;
        }
        if (parts.length == 2 && parts[0].equals("steady")) {
            String region = parts[1];
            return e -> e instanceof TopologyState t
                    && t.phase() == Phase.STEADY
                    && t.activeRegion().equals(region);
        }
        throw new IllegalArgumentException(HOLD_AT + ": expected command:N or steady:REGION, got " + holdAt);
    }

    @Override
    public ProducerRecord<byte[], byte[]> onSend(ProducerRecord<byte[], byte[]> record) {
        if (heldId == null) {
            MrmEvent event = decode(record.headers(), record.value());
            if (event != null && target.test(event)) {
                heldId = event.id();
            }
        }
        return record;
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception, Headers headers) {
        String held = heldId;
        if (held == null || exception != null || metadata == null || !held.equals(text(headers, "ce_id"))) {
            return;
        }
        writeMarker(metadata.topic() + "/" + metadata.partition() + "/" + metadata.offset());
        while (true) { // until the test kills this JVM
            LockSupport.park(this);
        }
    }

    @Override
    public void onAcknowledgement(RecordMetadata metadata, Exception exception) {
        // the variant with headers above does the work
    }

    @Override
    public void close() {}

    private void writeMarker(String position) {
        try {
            Path written = Files.writeString(marker.resolveSibling(marker.getFileName() + ".tmp"), position);
            Files.move(written, marker, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MrmEvent decode(Headers headers, byte[] body) {
        EventType<?> type = EventTypes.forCeType(text(headers, "ce_type"));
        if (type == null || body == null) {
            return null; // e.g. the state store's changelog
        }
        try {
            return EventJson.read(body, type.javaType());
        } catch (IOException e) {
            return null;
        }
    }

    private static String text(Headers headers, String key) {
        Header header = headers == null ? null : headers.lastHeader(key);
        return header == null ? null : new String(header.value(), StandardCharsets.UTF_8);
    }
}
