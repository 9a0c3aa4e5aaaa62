package io.mrm.mrmctl.adapter;

import io.mrm.events.MrmEvent;
import io.mrm.events.MrmService;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.DeadLetters.RawRecord;
import io.mrm.events.codec.Decoded;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.events.codec.InboundLimits;
import io.mrm.events.codec.TraceParent;
import io.mrm.events.decision.RequestOutcome;
import io.mrm.events.operator.OperatorRequest;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.TopologyState;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AdminClientConfig;
import org.apache.kafka.clients.admin.DescribeClusterOptions;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerConfig;
import org.apache.kafka.common.KafkaException;
import org.apache.kafka.common.PartitionInfo;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;

/**
 * mrmctl's only contact with Kafka: reads the topology topic, publishes operator requests and
 * waits for the engine's answers. Every call is bounded by the deadline it is given.
 */
public final class MrmKafka {

    /** Why a command could not talk to Kafka; the message is safe to print (no credentials). */
    public static final class KafkaUnavailableException extends RuntimeException {
        public KafkaUnavailableException(String message) {
            super(message);
        }

        /** Keeps the client's exception, so that a refusal by the broker can be named to the operator. */
        public KafkaUnavailableException(String message, Throwable cause) {
            super(message, cause);
        }
    }

    /**
     * What became of a published request.
     *
     * @param outcome      the engine's answer, or null when none came in time (or no wait was asked)
     * @param planFinished the follower saw the plan finish (or pause) before the deadline
     */
    public record Answer(RequestOutcome outcome, boolean planFinished) {}

    /** Watches a plan after its request was accepted. */
    public interface PlanFollower {
        /** Whether to follow the plan this answer started. */
        boolean follows(RequestOutcome outcome);

        /** Takes one topology state of the application; true once the plan finished or paused. */
        boolean onState(TopologyState state);

        /** Whether the follower needs the actuators' acknowledgements too (a drill's progress is in them). */
        default boolean readsAcks() {
            return false;
        }

        /**
         * Takes one event of the application (its decisions, alerts, topology and, with {@link #readsAcks()},
         * acknowledgements); true once what is followed has ended.
         */
        default boolean onEvent(MrmEvent event) {
            return event instanceof TopologyState state && onState(state);
        }
    }

    private final KafkaConnection connection;
    private final String bootstrapServers;
    private final TopicNames names;
    private final InboundDecoder decoder;

    public MrmKafka(KafkaConnection connection, TopicNames names) {
        this.connection = connection;
        this.bootstrapServers = connection.bootstrapServers();
        this.names = names;
        // Lenient on age: status shows current state, however old its record.
        this.decoder = new InboundDecoder(
                names, "mrmctl", new InboundLimits(Duration.ofMinutes(5), Duration.ofDays(3650)), Clock.systemUTC());
    }

    /** The latest topology state of every application, read from the beginning to the current end. */
    public List<TopologyState> topology(Instant deadline) {
        Map<String, TopologyState> latest = new LinkedHashMap<>();
        new TopicSnapshot(connection, names, "mrmctl")
                .read(
                        List.of(Topics.TOPOLOGY),
                        Set.of(Topics.TOPOLOGY),
                        null,
                        deadline,
                        (topic, partition, offset, decoded) -> {
                            if (decoded instanceof Decoded.Accepted ok && ok.event() instanceof TopologyState state) {
                                latest.put(state.applicationId(), state);
                            }
                        });
        return List.copyOf(latest.values());
    }

    /** The latest readiness view of every application (the compacted readiness topic), read to its current end. */
    public List<ReadinessState> readiness(Instant deadline) {
        Map<String, ReadinessState> latest = new LinkedHashMap<>();
        new TopicSnapshot(connection, names, "mrmctl")
                .read(
                        List.of(Topics.READINESS),
                        Set.of(Topics.READINESS),
                        null,
                        deadline,
                        (topic, partition, offset, decoded) -> {
                            if (decoded instanceof Decoded.Accepted ok && ok.event() instanceof ReadinessState state) {
                                latest.put(state.applicationId(), state);
                            }
                        });
        return List.copyOf(latest.values());
    }

    /**
     * Publishes {@code request} (idempotent, acks=all) and, when {@code wait}, reads the decisions
     * topic from before the publish until the engine's answer to it or the deadline (then the
     * outcome is null). With a {@code follower}, reading goes on in the same pass over the topology
     * topic, handing it the application's states until it says the plan is finished; states
     * written between publish and answer are handed over too, so none is missed.
     */
    public Answer publish(
            OperatorRequest request, TraceParent trace, boolean wait, PlanFollower follower, Instant deadline) {
        try (KafkaConsumer<byte[], byte[]> consumer = KafkaClients.consumer(connection, deadline)) {
            if (wait) {
                // Positions are fixed before publishing, so the answer cannot slip past unseen.
                List<TopicPartition> partitions = new ArrayList<>(partitions(consumer, Topics.DECISIONS, deadline));
                partitions.addAll(partitions(consumer, Topics.TOPOLOGY, deadline));
                if (follower != null && follower.readsAcks()) {
                    partitions.addAll(partitions(consumer, Topics.COMMAND_ACKS, deadline));
                }
                consumer.assign(partitions);
                consumer.seekToEnd(partitions);
                partitions.forEach(p -> consumer.position(p, KafkaClients.remaining(deadline)));
            }
            send(request, trace, deadline);
            if (!wait) {
                return new Answer(null, false);
            }
            List<MrmEvent> early = new ArrayList<>();
            RequestOutcome outcome = null;
            boolean following = false;
            while (Instant.now().isBefore(deadline)) {
                for (ConsumerRecord<byte[], byte[]> record : consumer.poll(KafkaClients.pollTime(deadline))) {
                    MrmEvent event = decode(record);
                    if (event instanceof RequestOutcome answer
                            && answer.requestId().equals(request.id())) {
                        outcome = answer;
                        following = follower != null && follower.follows(answer);
                        if (!following) {
                            return new Answer(outcome, false);
                        }
                        for (MrmEvent earlier : early) {
                            if (follower.onEvent(earlier)) {
                                return new Answer(outcome, true);
                            }
                        }
                    } else if (event != null
                            && follower != null
                            && event.applicationId().equals(request.applicationId())) {
                        if (!following) {
                            early.add(event);
                        } else if (follower.onEvent(event)) {
                            return new Answer(outcome, true);
                        }
                    }
                }
            }
            return new Answer(outcome, false);
        } catch (org.apache.kafka.common.errors.TimeoutException e) {
            throw KafkaClients.didNotAnswer(bootstrapServers, e);
        }
    }

    /**
     * The id of the Kafka cluster the servers belong to. It names the environment: requests are signed for
     * it, and an engine on another cluster (staging's, say) refuses them.
     */
    public String clusterId(Instant deadline) {
        Properties props = connection.properties();
        int budget = (int) Math.min(
                Integer.MAX_VALUE, Math.max(1, KafkaClients.remaining(deadline).toMillis()));
        props.put(AdminClientConfig.DEFAULT_API_TIMEOUT_MS_CONFIG, budget);
        props.put(AdminClientConfig.REQUEST_TIMEOUT_MS_CONFIG, budget);
        try (Admin admin = Admin.create(props)) {
            String id = admin.describeCluster(new DescribeClusterOptions().timeoutMs(budget))
                    .clusterId()
                    .get(budget + 1_000L, TimeUnit.MILLISECONDS);
            if (id == null || id.isBlank()) {
                throw new KafkaUnavailableException(
                        "Kafka at " + bootstrapServers + " named no cluster id; requests " + "are signed for one");
            }
            return id;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while asking " + bootstrapServers + " for its cluster id");
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new KafkaUnavailableException(
                    "could not read the cluster id of Kafka at " + bootstrapServers
                            + " (requests are signed for it): "
                            + cause.getClass().getSimpleName()
                            + (cause.getMessage() == null ? "" : " " + cause.getMessage()),
                    cause);
        }
    }

    private void send(OperatorRequest request, TraceParent trace, Instant deadline) {
        Properties props = connection.properties();
        props.put(ProducerConfig.ENABLE_IDEMPOTENCE_CONFIG, true);
        props.put(ProducerConfig.ACKS_CONFIG, "all");
        props.put(ProducerConfig.LINGER_MS_CONFIG, 0);
        long budget = Math.max(1, KafkaClients.remaining(deadline).toMillis());
        props.put(ProducerConfig.MAX_BLOCK_MS_CONFIG, budget);
        props.put(ProducerConfig.REQUEST_TIMEOUT_MS_CONFIG, (int) Math.min(budget, Integer.MAX_VALUE));
        props.put(ProducerConfig.DELIVERY_TIMEOUT_MS_CONFIG, (int) Math.min(budget, Integer.MAX_VALUE));
        EventCodec codec = new EventCodec(names, URI.create("/mrm/mrmctl")).writtenBy(MrmService.MRMCTL);
        try (KafkaProducer<String, byte[]> producer =
                new KafkaProducer<>(props, new StringSerializer(), new ByteArraySerializer())) {
            producer.send(codec.toRecord(request, trace)).get(budget, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new KafkaUnavailableException("interrupted while publishing the request");
        } catch (ExecutionException | java.util.concurrent.TimeoutException | KafkaException e) {
            Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
            throw new KafkaUnavailableException("could not publish to " + names.of(Topics.OPERATOR_REQUESTS)
                    + " at " + bootstrapServers + ": " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " " + cause.getMessage()));
        }
    }

    private List<TopicPartition> partitions(KafkaConsumer<byte[], byte[]> consumer, Topic<?> topic, Instant deadline) {
        String name = names.of(topic);
        List<PartitionInfo> infos = consumer.partitionsFor(name, KafkaClients.remaining(deadline));
        if (infos == null || infos.isEmpty()) {
            throw new KafkaUnavailableException("topic " + name + " does not exist at " + bootstrapServers
                    + " (is the decision engine running with --topic-prefix '" + names.prefix() + "'?)");
        }
        return infos.stream().map(p -> new TopicPartition(name, p.partition())).toList();
    }

    private MrmEvent decode(ConsumerRecord<byte[], byte[]> record) {
        Decoded decoded = decoder.decode(new RawRecord(
                record.topic(), record.partition(), record.offset(), record.key(), record.headers(), record.value()));
        // Records mrmctl cannot read are the engine's to dead-letter; a viewer skips them.
        return decoded instanceof Decoded.Accepted ok ? ok.event() : null;
    }
}
