package io.mrm.mrmctl.adapter;

import io.mrm.events.MrmEvent;
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
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.CommonClientConfigs;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

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

    private final String bootstrapServers;
    private final TopicNames names;
    private final InboundDecoder decoder;

    public JournalReader(String bootstrapServers, TopicNames names) {
        this.bootstrapServers = bootstrapServers;
        this.names = names;
        // Recorded events are as old as the journal: no age limit.
        this.decoder = new InboundDecoder(names, "mrmctl",
                new InboundLimits(Duration.ofDays(3650), Duration.ofDays(3650)), Clock.systemUTC());
    }

    public Snapshot read(Collection<Topic<?>> topics, Instant deadline) {
        Properties props = new Properties();
        props.put(CommonClientConfigs.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, "read_committed");
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        props.put(ConsumerConfig.MAX_POLL_RECORDS_CONFIG, 2000);
        props.put(ConsumerConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, (int) Math.max(1, remaining(deadline).toMillis()));
        KafkaConsumer<byte[], byte[]> consumer;
        try {
            consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        } catch (KafkaException e) {
            throw new KafkaUnavailableException("cannot use --bootstrap-servers '" + bootstrapServers + "': "
                    + (e.getCause() != null ? e.getCause().getMessage() : e.getMessage()));
        }
        try (consumer) {
            List<TopicPartition> partitions = new ArrayList<>();
            for (Topic<?> topic : topics) {
                partitions.addAll(partitions(consumer, names.of(topic), deadline));
            }
            consumer.assign(partitions);
            consumer.seekToBeginning(partitions);
            Map<TopicPartition, Long> start = consumer.beginningOffsets(partitions, remaining(deadline));
            Map<TopicPartition, Long> end = consumer.endOffsets(partitions, remaining(deadline));
            Map<String, List<Read>> records = new HashMap<>();
            while (!reached(consumer, end, deadline)) {
                for (ConsumerRecord<byte[], byte[]> r : consumer.poll(pollTime(deadline))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the read began
                    }
                    Decoded decoded = decoder.decode(new RawRecord(r.topic(), r.partition(), r.offset(), r.key(),
                            r.headers(), r.value()));
                    records.computeIfAbsent(r.topic(), t -> new ArrayList<>()).add(new Read(r.topic(), r.partition(),
                            r.offset(), decoded instanceof Decoded.Accepted ok ? ok.event() : null));
                }
            }
            records.values().forEach(list -> list.sort(Comparator.comparingInt(Read::partition)
                    .thenComparingLong(Read::offset)));
            return new Snapshot(records, start);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new KafkaUnavailableException("Kafka at " + bootstrapServers + " did not answer in time ("
                    + e.getMessage() + ")");
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, String name, Instant deadline) {
        List<PartitionInfo> infos = consumer.partitionsFor(name, remaining(deadline));
        if (infos == null || infos.isEmpty()) {
            throw new KafkaUnavailableException("topic " + name + " does not exist at " + bootstrapServers
                    + " (is the decision engine running with --topic-prefix '" + names.prefix() + "'?)");
        }
        return infos.stream().map(p -> new TopicPartition(name, p.partition())).toList();
    }

    private boolean reached(KafkaConsumer<byte[], byte[]> consumer, Map<TopicPartition, Long> end, Instant deadline) {
        for (Map.Entry<TopicPartition, Long> e : end.entrySet()) {
            if (consumer.position(e.getKey(), remaining(deadline)) < e.getValue()) {
                if (!Instant.now().isBefore(deadline)) {
                    throw new KafkaUnavailableException("timed out reading " + e.getKey().topic() + " at "
                            + bootstrapServers + " (raise --timeout)");
                }
                return false;
            }
        }
        return true;
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
