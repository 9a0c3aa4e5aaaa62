package io.mrm.mrmctl.adapter;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.mrmctl.adapter.MrmKafka.KafkaUnavailableException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;

/**
 * Reads MRM topics as they stand when the read starts: from the beginning (or from a time, through
 * {@code offsetsForTimes}) up to the end offsets taken then, committed records only, never waiting
 * for new ones, bounded by a deadline. Every record goes through the services' {@link InboundDecoder}
 * with no age limit (history is old by nature); one that does not decode is handed over as such,
 * never an error. The audit and the replay both read through this.
 */
public final class TopicSnapshot {

    /** Receives each record read, with its coordinates and how it decoded. */
    @FunctionalInterface
    public interface Sink {
        void accept(String topic, int partition, long offset, Decoded decoded);
    }

    /**
     * What the read found besides the records.
     *
     * @param startOffsets  per partition, the first offset still on it (above 0: retention deleted older ones)
     * @param missingTopics topics (full names) that do not exist and were not required
     */
    public record Result(Map<TopicPartition, Long> startOffsets, List<String> missingTopics) {}

    private final KafkaConnection connection;
    private final String bootstrapServers;
    private final TopicNames names;
    private final InboundDecoder decoder;

    public TopicSnapshot(KafkaConnection connection, TopicNames names, String reader) {
        this.connection = connection;
        this.bootstrapServers = connection.bootstrapServers();
        this.names = names;
        this.decoder = new InboundDecoder(
                names, reader, new InboundLimits(Duration.ofDays(3650), Duration.ofDays(3650)), Clock.systemUTC());
    }

    /**
     * @param required topics whose absence is an error (KafkaUnavailableException); others are reported
     * @param from     start at the first record whose timestamp is at or after this, or null for the beginning
     * @param deadline give up (KafkaUnavailableException) when the end is not reached by then
     */
    public Result read(Collection<Topic<?>> topics, Set<Topic<?>> required, Instant from, Instant deadline, Sink sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(connection, deadline)) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                String name = names.of(topic);
                List<PartitionInfo> infos = consumer.partitionsFor(name, KafkaClients.remaining(deadline));
                if (infos == null || infos.isEmpty()) {
                    if (required.contains(topic)) {
                        throw new KafkaUnavailableException("topic " + name + " does not exist at " + bootstrapServers
                                + " (is the decision engine running with --topic-prefix '" + names.prefix() + "'?)");
                    }
                    missing.add(name);
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
                }
            }
            consumer.assign(partitions);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, KafkaClients.remaining(deadline));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, KafkaClients.remaining(deadline));
            if (from == null) {
                consumer.seekToBeginning(partitions);
            } else {
                Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(p -> at.put(p, from.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found =
                        consumer.offsetsForTimes(at, KafkaClients.remaining(deadline));
                for (TopicPartition p : partitions) {
                    OffsetAndTimestamp o = found.get(p);
                    consumer.seek(p, o == null ? end.get(p) : o.offset());
                }
            }
            List<TopicPartition> open = new ArrayList<>(partitions);
            while (true) {
                List<TopicPartition> done = new ArrayList<>();
                for (TopicPartition p : open) {
                    if (consumer.position(p, KafkaClients.remaining(deadline)) >= end.get(p)) {
                        done.add(p);
                    }
                }
                if (!done.isEmpty()) {
                    consumer.pause(done);
                    open.removeAll(done);
                }
                if (open.isEmpty()) {
                    return new Result(start, missing);
                }
                if (!Instant.now().isBefore(deadline)) {
                    throw new KafkaUnavailableException(
                            "timed out reading " + open.get(0).topic() + " at " + bootstrapServers
                                    + " before its end offset (raise --timeout, or read less)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(KafkaClients.pollTime(deadline))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the read began
                    }
                    sink.accept(
                            r.topic(),
                            r.partition(),
                            r.offset(),
                            decoder.decode(new RawRecord(
                                    r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value())));
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaClients.didNotAnswer(bootstrapServers, e);
        }
    }
}
