package io.mrm.decision.adapter;

import io.mrm.decision.domain.DecisionCore;
import io.mrm.events.Topic;
import io.mrm.events.TopicNames;
import io.mrm.events.Topics;
import io.mrm.events.codec.EventCodec;
import io.mrm.events.codec.InboundDecoder;
import io.mrm.kafka.tracing.BusTracing;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
import org.apache.kafka.common.serialization.StringSerializer;
import org.apache.kafka.streams.Topology;

/**
 * The engine's Kafka Streams topology: observations, operator requests, acks and the actuators'
 * readiness reports (co-partitioned by application id) into one processor with the application-state store, and one sink per output topic;
 * the engine's own topology topic read back into a global store ({@link PublishedTopology}).
 */
public final class DecisionEngineTopology {

    static final String STORE = "application-state";
    static final List<Topic<?>> INPUTS =
            List.of(Topics.OBSERVATIONS, Topics.OPERATOR_REQUESTS, Topics.COMMAND_ACKS, Topics.READINESS_REPORTS);
    static final List<Topic<?>> OUTPUTS = List.of(
            Topics.DECISIONS,
            Topics.TOPOLOGY,
            Topics.DNS_COMMANDS,
            Topics.DATA_COMMANDS,
            Topics.EVENTS_COMMANDS,
            Topics.HOOK_COMMANDS,
            Topics.ENGINE_JOURNAL,
            Topics.READINESS,
            Topics.DEAD_LETTERS);
    private static final String SOURCE = "inputs";
    private static final String PROCESSOR = "decision-core";

    private DecisionEngineTopology() {}

    public static Topology build(
            TopicNames names,
            DecisionCore core,
            InboundDecoder decoder,
            EventCodec codec,
            Clock clock,
            String consumer,
            Duration tickInterval,
            boolean commitOnOutput,
            EngineMetrics metrics,
            BusTracing tracing) {
        Topology topology = new Topology();
        // One per engine instance, shared by its tasks: the counts are read once, before any task runs.
        InputPartitionCounts partitionCounts =
                new InputPartitionCounts(INPUTS.stream().map(names::of).toList());
        topology.addSource(
                SOURCE,
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                INPUTS.stream().map(names::of).toArray(String[]::new));
        topology.addProcessor(
                PROCESSOR,
                () -> new DecisionProcessor(
                        core,
                        decoder,
                        codec,
                        clock,
                        consumer,
                        tickInterval,
                        commitOnOutput,
                        partitionCounts,
                        metrics,
                        tracing),
                SOURCE);
        // Persistent (RocksDB) and backed by a changelog topic: a restarted or moved task resumes from it.
        topology.addStateStore(ApplicationStateStore.builder(STORE), PROCESSOR);
        // What the engine published last, per application: restored in full before any input is
        // processed, so an application whose state was reset continues from it.
        topology.addGlobalStore(
                PublishedTopology.storeBuilder(),
                "published-topology-source",
                new ByteArrayDeserializer(),
                new ByteArrayDeserializer(),
                names.of(Topics.TOPOLOGY),
                "published-topology-loader",
                PublishedTopology.Loader::new);
        for (Topic<?> output : OUTPUTS) {
            topology.addSink(
                    sinkFor(names.of(output)),
                    names.of(output),
                    new StringSerializer(),
                    new ByteArraySerializer(),
                    PROCESSOR);
        }
        return topology;
    }

    static String sinkFor(String topicName) {
        return "to-" + topicName;
    }
}
