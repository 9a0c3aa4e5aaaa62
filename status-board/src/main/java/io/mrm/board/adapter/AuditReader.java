package io.mrm.board.adapter;

import io.mrm.audit.AuditQuery;
import io.mrm.audit.AuditRecord;
import io.mrm.audit.AuditReport;
import io.mrm.audit.AuditTimeline;
import io.mrm.audit.Undecodable;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads an application's audit on demand, as {@code mrmctl audit} does: the engine's journal first (which inputs
 * it took), then every other topic, each from the start of the range to the end offsets it had when the read
 * began — never waiting for new records, never longer than the timeout. One read at a time: a second request
 * while one runs is refused ({@link Busy}), so the page cannot be used to load the brokers.
 */
public final class AuditReader {

    /** Another audit is being read; try again shortly. */
    public static final class Busy extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Busy() {
            super("another audit is being read; try again in a few seconds");
        }
    }

    /** The topics did not answer, or not in time. */
    public static final class Unavailable extends RuntimeException {
        private static final long serialVersionUID = 1L;

        Unavailable(String message) {
            super(message);
        }
    }

    private final Map<String, Object> consumerConfig;
    private final TopicNames names;
    private final InboundDecoder decoder;
    private final Duration timeout;
    private final Clock clock;
    private final Semaphore one = new Semaphore(1);

    public AuditReader(
            Map<String, Object> consumerConfig,
            TopicNames names,
            InboundDecoder decoder,
            Duration timeout,
            Clock clock) {
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.names = names;
        this.decoder = decoder;
        this.timeout = timeout;
        this.clock = clock;
    }

    /** The audit of {@code application} over the last {@code range}. */
    public AuditReport read(String application, Duration range) {
        if (!one.tryAcquire()) {
            throw new Busy();
        }
        try {
            Instant now = clock.instant();
            Instant from = now.minus(range);
            Instant deadline = now.plus(timeout);
            AuditTimeline timeline = new AuditTimeline(new AuditQuery(application, from, now));
            if (read(List.of(Topics.ENGINE_JOURNAL), from, deadline, timeline)) {
                timeline.checkInputsAgainstJournal();
            }
            read(Topics.ALL.stream().filter(t -> t != Topics.ENGINE_JOURNAL).toList(), from, deadline, timeline);
            return timeline.report(clock.instant());
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw new Unavailable("Kafka did not answer in time: " + e.getMessage());
        } finally {
            one.release();
        }
    }

    /** Reads the topics from {@code from} to their end offsets now; false when one does not exist. */
    private boolean read(List<Topic<?>> topics, Instant from, Instant deadline, AuditTimeline timeline) {
        try (KafkaConsumer<byte[], byte[]> c =
                new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
            List<TopicPartition> partitions = new ArrayList<>();
            List<String> missing = new ArrayList<>();
            for (Topic<?> topic : topics) {
                String name = names.of(topic);
                List<PartitionInfo> infos = c.partitionsFor(name, remaining(deadline));
                if (infos == null || infos.isEmpty()) {
                    missing.add(name);
                } else {
                    infos.forEach(p -> partitions.add(new TopicPartition(name, p.partition())));
                }
            }
            c.assign(partitions);
            Map<TopicPartition, Long> end = c.endOffsets(partitions, remaining(deadline));
            Map<TopicPartition, Long> at = new HashMap<>();
            partitions.forEach(p -> at.put(p, from.toEpochMilli()));
            Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(at, remaining(deadline));
            for (TopicPartition p : partitions) {
                OffsetAndTimestamp o = found.get(p);
                c.seek(p, o == null ? end.get(p) : o.offset());
            }
            List<TopicPartition> open = new ArrayList<>(partitions);
            while (true) {
                open.removeIf(p -> c.position(p, remaining(deadline)) >= end.get(p));
                if (open.isEmpty()) {
                    break;
                }
                if (!clock.instant().isBefore(deadline)) {
                    throw new Unavailable("timed out reading " + open.get(0).topic() + " to its end");
                }
                for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(200))) {
                    if (r.offset() >= end.get(new TopicPartition(r.topic(), r.partition()))) {
                        continue; // written after the read began
                    }
                    Decoded decoded = decoder.decode(
                            new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
                    if (decoded instanceof Decoded.Accepted ok) {
                        timeline.add(new AuditRecord(r.topic(), r.partition(), r.offset(), ok.event()));
                    } else if (decoded instanceof Decoded.Rejected no) {
                        timeline.undecodable(new Undecodable(
                                r.topic(),
                                r.partition(),
                                r.offset(),
                                no.deadLetter().reason()));
                    }
                }
            }
            if (!missing.isEmpty()) {
                timeline.note("not read (no such topic): " + String.join(", ", missing));
            }
            return missing.isEmpty();
        }
    }

    private Duration remaining(Instant deadline) {
        Duration left = Duration.between(clock.instant(), deadline);
        return left.isNegative() ? Duration.ZERO : left;
    }
}
