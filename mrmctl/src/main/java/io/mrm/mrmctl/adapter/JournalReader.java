package io.mrm.mrmctl.adapter;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.Decoded;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads whole MRM topics, from their beginning to the end offsets they had when the read started
 * (committed records only), with each record's coordinates: what replay needs to look a journaled
 * input up by topic, partition and offset. Only reads; bounded by the deadline it is given.
 */
public final class JournalReader {

    /** One record: where it was, and its event (null when it could not be decoded). */
    public record Read(String topic, int partition, long offset, MrmEvent event) {

        public String coordinates() {
            return coordinates(topic, partition, offset);
        }

        public static String coordinates(String topic, int partition, long offset) {
            return topic + "/" + partition + "/" + offset;
        }
    }

    /**
     * Everything read.
     *
     * @param records        per topic (full name), in partition and offset order
     * @param startOffsets   per topic partition, the first offset still on it (above 0: retention deleted older ones)
     */
    public record Snapshot(Map<String, List<Read>> records, Map<TopicPartition, Long> startOffsets) {

        public List<Read> of(String topic) {
            return records.getOrDefault(topic, List.of());
        }
    }

    private final TopicSnapshot snapshot;

    public JournalReader(KafkaConnection connection, TopicNames names) {
        this.snapshot = new TopicSnapshot(connection, names, "mrmctl");
    }

    /** Every record of {@code topics} (all must exist), as they stand when the read starts. */
    public Snapshot read(Collection<Topic<?>> topics, Instant deadline) {
        Map<String, List<Read>> records = new HashMap<>();
        TopicSnapshot.Result result = snapshot.read(
                topics,
                Set.copyOf(topics),
                null,
                deadline,
                (topic, partition, offset, decoded) -> records.computeIfAbsent(topic, t -> new ArrayList<>())
                        .add(new Read(
                                topic, partition, offset, decoded instanceof Decoded.Accepted ok ? ok.event() : null)));
        records.values()
                .forEach(list ->
                        list.sort(Comparator.comparingInt(Read::partition).thenComparingLong(Read::offset)));
        return new Snapshot(records, result.startOffsets());
    }
}
