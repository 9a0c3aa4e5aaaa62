package io.mrm.board.adapter;

import io.mrm.board.domain.ApplicationBoard;
import io.mrm.board.domain.BoardEvent;
import io.mrm.board.domain.BoardState;
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
import java.util.Optional;
import java.util.function.Consumer;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.consumer.OffsetAndTimestamp;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.errors.WakeupException;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.context.SmartLifecycle;

/**
 * Feeds the board from the bus: the compacted topology and readiness topics from their beginning, the decisions
 * topic from {@code recentWindow} ago, then every new record as it comes. It assigns the partitions itself (no
 * consumer group, no committed offsets: it reads as Kafka's read-only {@code viewer} role may) and writes
 * nothing — a record it cannot decode is counted and skipped; the services that consume the topic dead-letter
 * it. Ready once it has read up to the end offsets the topics had when it started.
 */
public final class BoardFeed implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(BoardFeed.class);
    static final List<Topic<?>> TOPICS = List.of(Topics.TOPOLOGY, Topics.READINESS, Topics.DECISIONS);
    private static final Duration RETRY = Duration.ofSeconds(2);

    private final Map<String, Object> consumerConfig;
    private final TopicNames names;
    private final InboundDecoder decoder;
    private final BoardState state;
    private final Consumer<BoardEvent> changes;
    private final Duration recentWindow;
    private final Clock clock;
    private volatile boolean running;
    private volatile boolean caughtUp;
    private volatile Instant lastPoll;
    private volatile String problem = "not started";
    private volatile long undecodable;
    private volatile KafkaConsumer<byte[], byte[]> consumer;
    private Thread thread;
    private final Object pause = new Object();

    public BoardFeed(
            Map<String, Object> consumerConfig,
            TopicNames names,
            InboundDecoder decoder,
            BoardState state,
            Consumer<BoardEvent> changes,
            Duration recentWindow,
            Clock clock) {
        this.consumerConfig = new HashMap<>(consumerConfig);
        this.names = names;
        this.decoder = decoder;
        this.state = state;
        this.changes = changes;
        this.recentWindow = recentWindow;
        this.clock = clock;
    }

    @Override
    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, "status-board-feed");
        thread.setDaemon(true);
        thread.start();
    }

    @Override
    public void stop() {
        Thread t;
        synchronized (this) {
            running = false;
            t = thread;
        }
        synchronized (pause) {
            pause.notifyAll();
        }
        KafkaConsumer<byte[], byte[]> c = consumer;
        if (c != null) {
            c.wakeup();
        }
        if (t != null) {
            try {
                t.join(Duration.ofSeconds(10).toMillis());
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
    }

    @Override
    public boolean isRunning() {
        return running;
    }

    /** Whether the board shows what the topics held when it started, and goes on reading. */
    public boolean caughtUp() {
        return caughtUp && running;
    }

    /** Why it is not (yet) reading, or null. */
    public String problem() {
        return problem;
    }

    public Instant lastPoll() {
        return lastPoll;
    }

    public long undecodable() {
        return undecodable;
    }

    private void run() {
        while (running) {
            try (KafkaConsumer<byte[], byte[]> c =
                    new KafkaConsumer<>(consumerConfig, new ByteArrayDeserializer(), new ByteArrayDeserializer())) {
                consumer = c;
                if (!running) {
                    return;
                }
                Map<TopicPartition, Long> end = assign(c);
                if (end == null) {
                    sleepBeforeRetry();
                    continue;
                }
                problem = null;
                read(c, end);
            } catch (WakeupException e) {
                return;
            } catch (RuntimeException e) {
                caughtUp = false;
                problem = e.getClass().getSimpleName() + ": " + e.getMessage();
                log.warn("status board feed: {}; reading again from the start", problem);
            } finally {
                consumer = null;
            }
        }
    }

    /** Assigns every partition and seeks; returns the end offsets now, or null when a topic is missing. */
    private Map<TopicPartition, Long> assign(KafkaConsumer<byte[], byte[]> c) {
        List<TopicPartition> partitions = new ArrayList<>();
        List<TopicPartition> decisions = new ArrayList<>();
        for (Topic<?> topic : TOPICS) {
            String name = names.of(topic);
            List<PartitionInfo> infos = c.partitionsFor(name, Duration.ofSeconds(30));
            if (infos == null || infos.isEmpty()) {
                problem = "topic " + name + " does not exist (yet)";
                return null;
            }
            for (PartitionInfo p : infos) {
                TopicPartition tp = new TopicPartition(name, p.partition());
                partitions.add(tp);
                if (topic == Topics.DECISIONS) {
                    decisions.add(tp);
                }
            }
        }
        c.assign(partitions);
        c.seekToBeginning(partitions);
        Map<TopicPartition, Long> from = new HashMap<>();
        long since = clock.instant().minus(recentWindow).toEpochMilli();
        decisions.forEach(p -> from.put(p, since));
        Map<TopicPartition, Long> end = c.endOffsets(partitions, Duration.ofSeconds(30));
        Map<TopicPartition, OffsetAndTimestamp> found = c.offsetsForTimes(from, Duration.ofSeconds(30));
        for (TopicPartition p : decisions) {
            OffsetAndTimestamp at = found.get(p);
            c.seek(p, at == null ? end.get(p) : at.offset());
        }
        return end;
    }

    private void read(KafkaConsumer<byte[], byte[]> c, Map<TopicPartition, Long> end) {
        while (running) {
            var records = c.poll(Duration.ofMillis(500));
            lastPoll = clock.instant();
            for (ConsumerRecord<byte[], byte[]> r : records) {
                take(r);
            }
            if (!caughtUp && end.entrySet().stream().allMatch(e -> c.position(e.getKey()) >= e.getValue())) {
                caughtUp = true;
                log.info(
                        "status board caught up: {} applications",
                        state.applications().size());
            }
        }
    }

    private void take(ConsumerRecord<byte[], byte[]> r) {
        Decoded decoded =
                decoder.decode(new RawRecord(r.topic(), r.partition(), r.offset(), r.key(), r.headers(), r.value()));
        if (!(decoded instanceof Decoded.Accepted ok)) {
            undecodable++;
            return;
        }
        Optional<ApplicationBoard> changed = state.apply(ok.event(), clock.instant());
        changed.ifPresent(board -> changes.accept(BoardEvent.of(board)));
    }

    private void sleepBeforeRetry() {
        synchronized (pause) {
            try {
                if (running) {
                    pause.wait(RETRY.toMillis()); // stop() wakes it
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                running = false;
            }
        }
    }
}
