package io.mrm.decision.adapter;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.kafka.KafkaStreamsMetrics;
import java.time.Duration;
import java.util.Properties;
import org.apache.kafka.streams.KafkaStreams;
import org.apache.kafka.streams.Topology;
import org.apache.kafka.streams.errors.StreamsUncaughtExceptionHandler;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.context.SmartLifecycle;

/** Runs the engine's topology for the life of the application, and reports its state as health. */
public class DecisionEngineStreams extends AbstractHealthIndicator implements SmartLifecycle {

    private static final Logger log = LoggerFactory.getLogger(DecisionEngineStreams.class);

    private final Topology topology;
    private final Properties config;
    private volatile KafkaStreams streams;
    private volatile MeterRegistry meters;
    private volatile KafkaStreamsMetrics streamsMetrics;

    public DecisionEngineStreams(Topology topology, Properties config) {
        this.topology = topology;
        this.config = config;
    }

    /** The Kafka Streams client metrics (its consumers' lag too) go to the service's meter registry. */
    @Autowired(required = false)
    public void setMeterRegistry(MeterRegistry meters) {
        this.meters = meters;
    }

    @Override
    public void start() {
        streams = new KafkaStreams(topology, config);
        if (meters != null) {
            streamsMetrics = new KafkaStreamsMetrics(streams);
            streamsMetrics.bindTo(meters);
        }
        // A thread that dies (e.g. a broker hiccup outside the retry budget) is replaced, not fatal.
        streams.setUncaughtExceptionHandler(e -> {
            log.error("decision engine stream thread failed; replacing it", e);
            return StreamsUncaughtExceptionHandler.StreamThreadExceptionResponse.REPLACE_THREAD;
        });
        streams.setStateListener((next, previous) -> log.info("decision engine streams {} -> {}", previous, next));
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
        KafkaStreamsMetrics metrics = streamsMetrics;
        if (metrics != null) {
            metrics.close();
        }
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
