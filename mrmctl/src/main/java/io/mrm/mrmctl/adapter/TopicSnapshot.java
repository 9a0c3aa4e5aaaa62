package io.mrm.mrmctl.adapter;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.DeadLetters.RawRecord;
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
import java.util.Properties;
import java.util.Set;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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
    public record Result(Map<TopicPartition, Long> startOffsets, List<String> missingTopics) {
    }

    private final String bootstrapServers;
    private final TopicNames names;
    private final InboundDecoder decoder;

    public TopicSnapshot(String bootstrapServers, TopicNames names, String reader) {
        this.bootstrapServers = bootstrapServers;
        this.names = names;
        this.decoder = new InboundDecoder(names, reader, new InboundLimits(Duration.ofDays(3650), Duration.ofDays(3650)),
                Clock.systemUTC());
    }

    /**
     * @param required topics whose absence is an error (KafkaUnavailableException); others are reported
     * @param from     start at the first record whose timestamp is at or after this, or null for the beginning
     * @param deadline give up (KafkaUnavailableException) when the end is not reached by then
     */
    public Result read(Collection<Topic<?>> topics, Set<Topic<?>> required, Instant from, Instant deadline, Sink sink) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(deadline)) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                String name = names.of(topic);
                List<PartitionInfo> infos = consumer.partitionsFor(name, remaining(deadline));
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
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, remaining(deadline));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            if (from == null) {
                consumer.seekToBeginning(partitions);
            } else {
                Map<TopicPartition, Long> at = new HashMap<>();
                partitions.forEach(p -> at.put(p, from.toEpochMilli()));
                Map<TopicPartition, OffsetAndTimestamp> found = consumer.offsetsForTimes(at, remaining(deadline));
                for (TopicPartition p : partitions) {
                    OffsetAndTimestamp o = found.get(p);
                    consumer.seek(p, o == null ? end.get(p) : o.offset());
                }
            }
            List<TopicPartition> open = new ArrayList<>(partitions);
            while (true) {
                List<TopicPartition> done = new ArrayList<>();
                for (TopicPartition p : open) {
                    if (consumer.position(p, remaining(deadline)) >= end.get(p)) {
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
                    throw new KafkaUnavailableException("timed out reading " + open.get(0).topic() + " at "
                            + bootstrapServers + " before its end offset (raise --timeout, or read less)");
                }
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(pollTime(deadline))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the read began
                    }
                    sink.accept(r.topic(), r.partition(), r.offset(), decoder.decode(new RawRecord(r.topic(),
                            r.partition(), r.offset(), r.key(), r.headers(), r.value())));
                }
            }
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaUnavailableException("Kafka at " + bootstrapServers + " did not answer in time ("
                    + e.getMessage() + ")");
        }
    }

    private KafkaConsumer<byte[], byte[]> consumer(Instant deadline) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        // the engine writes transactionally: read only what it committed
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1, remaining(deadline).toMillis()));
        try {
            return new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("cannot use --bootstrap-servers '" + bootstrapServers + "': "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
    }

    private static Duration remaining(Instant deadline) {
        Duration left = Duration.between(Instant.now(), deadline);
        return left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
    }

    private static Duration pollTime(Instant deadline) {
        Duration left = remaining(deadline);
        return left.compareTo(Duration.ofMillis(200)) < 0 ? left : Duration.ofMillis(200);
    }
}
