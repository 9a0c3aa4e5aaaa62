package io.mrm.testsupport;

import io.mrm.events.MrmEvent;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.codec.TraceParent;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.apache.kafka.clients.consumer.ConsumerConfig;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.awaitility.Awaitility;

/**
 * Reads MRM topics from their beginning on a background thread and keeps every record decoded,
 * with the time it was read — for assertions in tests and for the sandbox's timeline. Reads
 * committed records only (the decision engine writes transactionally), unless made with
 * {@link #includingUncommitted}, which also shows records of transactions that are still open or
 * were aborted — for tests that must see what a crashed transaction wrote.
 */
public final class TopicRecorder implements AutoCloseable {

    /**
     * One record as read: its event (null when it could not be decoded), topic and read time, and the trace context
     * it carried (null: none).
     */
    public record Recorded(
            String topic,
            int partition,
            long offset,
            MrmEvent event,
            String rejection,
            Instant readAt,
            long timestamp,
            TraceParent trace) {}

    private final KafkaConsumer<byte[], byte[]> consumer;
    private final InboundDecoder decoder;
    private final List<Recorded> records = new CopyOnWriteArrayList<>();
    private final List<java.util.function.Consumer<Recorded>> subscribers = new CopyOnWriteArrayList<>();
    private final Thread thread;
    private volatile boolean running = true;

    public TopicRecorder(String bootstrapServers, TopicNames names, Collection<Topic<?>> topics) {
        this(bootstrapServers, Map.of(), names, topics, "read_committed");
    }

    /**
     * A recorder on a secured cluster: {@code clientProperties} are Kafka consumer settings such as
     * {@code security.protocol}, {@code sasl.*} and {@code ssl.*} (a principal that may read the topics).
     */
    public TopicRecorder(
            String bootstrapServers, Map<String, ?> clientProperties, TopicNames names, Collection<Topic<?>> topics) {
        this(bootstrapServers, clientProperties, names, topics, "read_committed");
    }

    /** A recorder that reads uncommitted and aborted records too. */
    public static TopicRecorder includingUncommitted(
            String bootstrapServers, TopicNames names, Collection<Topic<?>> topics) {
        return new TopicRecorder(bootstrapServers, Map.of(), names, topics, "read_uncommitted");
    }

    private TopicRecorder(
            String bootstrapServers,
            Map<String, ?> clientProperties,
            TopicNames names,
            Collection<Topic<?>> topics,
            String isolationLevel) {
        Properties props = new Properties();
        props.putAll(clientProperties);
        props.put(ConsumerConfig.BOOTSTRAP_SERVERS_CONFIG, bootstrapServers);
        props.put(ConsumerConfig.ISOLATION_LEVEL_CONFIG, isolationLevel);
        props.put(ConsumerConfig.ENABLE_AUTO_COMMIT_CONFIG, false);
        this.consumer = new KafkaConsumer<>(props, new ByteArrayDeserializer(), new ByteArrayDeserializer());
        // Lenient on age: a recorder shows history, including old records.
        this.decoder = new InboundDecoder(
                names,
                "topic-recorder",
                new InboundLimits(Duration.ofDays(3650), Duration.ofDays(3650)),
                Clock.systemUTC());
        List<TopicPartition> partitions = new ArrayList<>();
        for (Topic<?> topic : topics) {
            String name = names.of(topic);
            Awaitility.await("topic " + name + " exists")
                    .atMost(Duration.ofSeconds(60))
                    .until(() -> !partitionsOf(name).isEmpty());
            for (PartitionInfo info : partitionsOf(name)) {
                partitions.add(new TopicPartition(name, info.partition()));
            }
        }
        consumer.assign(partitions);
        consumer.seekToBeginning(partitions);
        this.thread = new Thread(this::run, "topic-recorder");
        thread.setDaemon(true);
        thread.start();
    }

    private List<PartitionInfo> partitionsOf(String name) {
        synchronized (consumer) {
            Map<String, List<PartitionInfo>> all = consumer.listTopics(Duration.ofSeconds(5));
            return all.getOrDefault(name, List.of());
        }
    }

    private void run() {
        try {
            while (running) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(Duration.ofMillis(100))) {
                    Decoded decoded = decoder.decode(new RawRecord(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            record.key(),
                            record.headers(),
                            record.value()));
                    MrmEvent event = decoded instanceof Decoded.Accepted ok ? ok.event() : null;
                    String rejection = decoded instanceof Decoded.Rejected no
                            ? no.deadLetter().reason()
                            : null;
                    Recorded recorded = new Recorded(
                            record.topic(),
                            record.partition(),
                            record.offset(),
                            event,
                            rejection,
                            Instant.now(),
                            record.timestamp(),
                            decoded instanceof Decoded.Accepted accepted ? accepted.trace() : null);
                    records.add(recorded);
                    subscribers.forEach(subscriber -> subscriber.accept(recorded));
                }
            }
        } catch (WakeupException e) {
            // closing
        } finally {
            consumer.close(Duration.ofSeconds(2));
        }
    }

    /** Calls {@code subscriber} on the reading thread for each record read from now on. */
    public void subscribe(java.util.function.Consumer<Recorded> subscriber) {
        subscribers.add(subscriber);
    }

    public List<Recorded> records() {
        return List.copyOf(records);
    }

    /** Decoded events of one type, in the order read. */
    public <E extends MrmEvent> List<E> events(Class<E> type) {
        return records.stream()
                .map(Recorded::event)
                .filter(type::isInstance)
                .map(type::cast)
                .toList();
    }

    /** Waits (bounded) for an event of {@code type} matching {@code condition} and returns the first. */
    public <E extends MrmEvent> E await(Class<E> type, Predicate<? super E> condition, Duration atMost) {
        return Awaitility.await(type.getSimpleName())
                .atMost(atMost)
                .pollInterval(Duration.ofMillis(20))
                .until(() -> events(type).stream().filter(condition).findFirst().orElse(null), found -> found != null);
    }

    @Override
    public void close() {
        running = false;
        consumer.wakeup();
        try {
            thread.join(5000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
