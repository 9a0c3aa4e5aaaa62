package io.mrm.mrmctl.adapter;

import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.mrmctl.adapter.MrmKafka.KafkaUnavailableException;
import io.mrm.mrmctl.domain.audit.AuditRecord;
import io.mrm.mrmctl.domain.audit.AuditTimeline;
import io.mrm.mrmctl.domain.audit.Undecodable;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
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
 * Reads MRM's topics for the audit: from the beginning (or from a time, through
 * {@code offsetsForTimes}) up to the end offsets taken when reading starts — it never waits for
 * new records. Every record goes through the same {@link InboundDecoder} the services use; one
 * that does not decode is handed over as {@link Undecodable}, never an error.
 */
public final class TopicReader {

    /** Every topic but the engine's journal, which repeats what the others hold. */
    public static final List<Topic<?>> AUDITED = Topics.ALL.stream().filter(t -> t != Topics.ENGINE_JOURNAL).toList();

    private final String bootstrapServers;
    private final TopicNames names;
    private final InboundDecoder decoder;

    public TopicReader(String bootstrapServers, TopicNames names) {
        this.bootstrapServers = bootstrapServers;
        this.names = names;
        // An audit shows history: old records (and clocks ahead of ours) are read, not refused.
        this.decoder = new InboundDecoder(names, "mrmctl-audit",
                new InboundLimits(Duration.ofDays(3650), Duration.ofDays(3650)), Clock.systemUTC());
    }

    /**
     * Reads {@code topics} into {@code timeline}.
     *
     * @param from     start at the first record whose timestamp is at or after this, or null for the beginning
     * @param deadline give up (KafkaUnavailableException) when the end is not reached by then
     */
    public void read(List<Topic<?>> topics, Instant from, Instant deadline, AuditTimeline timeline) {
        try (KafkaConsumer<byte[], byte[]> consumer = consumer(deadline)) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                String name = names.of(topic);
                List<PartitionInfo> infos = consumer.partitionsFor(name, remaining(deadline));
                if (infos == null || infos.isEmpty()) {
                    missing.add(name);
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
                }
            }
            if (partitions.isEmpty() || missing.contains(names.of(Topics.DECISIONS))) {
                throw new KafkaUnavailableException("topic " + names.of(Topics.DECISIONS) + " does not exist at "
                        + bootstrapServers + " (is the decision engine running with --topic-prefix '"
                        + names.prefix() + "'?)");
            }
            if (!missing.isEmpty()) {
                timeline.note("not read (no such topic): " + String.join(", ", missing));
            }
            consumer.assign(partitions);
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
                    return;
                }
                if (!Instant.now().isBefore(deadline)) {
                    throw new KafkaUnavailableException("timed out reading " + open.get(0).topic() + " at "
                            + bootstrapServers + " before its end offset; a longer --timeout or a later --from helps");
                }
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(pollTime(deadline))) {
                    TopicPartition p = new TopicPartition(record.topic(), record.partition());
                    if (record.offset() >= end.get(p)) {
                        continue; // written after the audit started
                    }
                    Decoded decoded = decoder.decode(new RawRecord(record.topic(), record.partition(),
                            record.offset(), record.key(), record.headers(), record.value()));
                    if (decoded instanceof Decoded.Accepted ok) {
                        timeline.add(new AuditRecord(record.topic(), record.partition(), record.offset(), ok.event()));
                    } else if (decoded instanceof Decoded.Rejected no) {
                        timeline.undecodable(new Undecodable(record.topic(), record.partition(), record.offset(),
                                no.deadLetter().reason()));
                    }
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
        // the engine writes transactionally: audit only what it committed
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
