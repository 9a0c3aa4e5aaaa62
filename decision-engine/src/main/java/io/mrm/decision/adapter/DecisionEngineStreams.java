package io.mrm.decision.adapter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import io.mrm.events.topology.TopologyState;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.common.utils.Bytes;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.StoreQueryParameters;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.apache.kafka.streams.state.QueryableStoreTypes;
import org.apache.kafka.streams.state.ReadOnlyKeyValueStore;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;

/** Runs the engine's topology for the life of the application, and reports its state as health. */
public class DecisionEngineStreams extends AbstractHealthIndicator implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DecisionEngineStreams.class);

    private final Topology topology;
    private final Properties config;
    private final MeterRegistry meters;
    private volatile KafkaStreams streams;
    private volatile KafkaStreamsMetrics streamsMetrics;

    public DecisionEngineStreams(Topology topology, Properties config, MeterRegistry meters) {
        this.topology = topology;
        this.config = config;
        this.meters = meters;
    }

    @Override
    public void start() {
        streams = new KafkaStreams(topology, config);
        // A thread that dies (e.g. a broker hiccup outside the retry budget) is replaced, not fatal.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("decision engine stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((next, previous) -> log.info("decision engine streams {} -> {}", previous, next));
        streamsMetrics = new KafkaStreamsMetrics(streams);
        streamsMetrics.bindTo(meters);
        streams.start();
    }

    @Override
    public void stop() {
        KafkaStreams current = streams;
        if (current != null) {
            // Leave the group at once, so another instance takes the partitions over without waiting
            // for the session timeout (which remains the failover time when an instance crashes).
            current.close(new KafkaStreams.CloseOptions()
                    .timeout(Duration.ofSeconds(30))
                    .leaveGroup(true));
        }
        KafkaStreamsMetrics bound = streamsMetrics;
        if (bound != null) {
            bound.close();
        }
    }

    /**
     * The topology the engine last published for an application, read from the global store every instance holds;
     * null when there is none. Throws while the store cannot be queried (Kafka Streams not running yet).
     */
    public TopologyState publishedTopology(String applicationId) {
        KafkaStreams current = streams;
        if (current == null) {
            return null;
        }
        ReadOnlyKeyValueStore<Bytes, byte[]> store = current.store(StoreQueryParameters.fromNameAndType(
                PublishedTopology.STORE, QueryableStoreTypes.<Bytes, byte[]>keyValueStore()));
        PublishedTopology.Entry entry =
                PublishedTopology.decode(store.get(Bytes.wrap(applicationId.getBytes(StandardCharsets.UTF_8))));
        return entry == null ? null : entry.topology();
    }

    @Override
    public boolean isRunning() {
        KafkaStreams current = streams;
        return current != null && current.state().isRunningOrRebalancing();
    }

    public KafkaStreams.State state() {
        KafkaStreams current = streams;
        return current == null ? KafkaStreams.State.CREATED : current.state();
    }

    @Override
    protected void doHealthCheck(Health.Builder builder) {
        KafkaStreams.State state = state();
        builder.withDetail("state", state.name());
        if (state == KafkaStreams.State.RUNNING) {
            builder.up();
        } else if (state == KafkaStreams.State.REBALANCING || state == KafkaStreams.State.CREATED) {
            builder.outOfService();
        } else {
            builder.down();
        }
    }
}
