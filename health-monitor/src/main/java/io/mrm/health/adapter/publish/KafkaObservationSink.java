package io.mrm.health.adapter.publish;

import io.micrometer.tracing.Span;
import io.mrm.events.observation.HealthObservation;
import io.mrm.health.domain.MonitorRun;
import io.mrm.health.domain.ObservationSink;
import io.mrm.kafka.EventPublisher;
import io.mrm.kafka.tracing.BusTracing;
import java.util.concurrent.CompletionStage;

/**
 * Observations onto the observations topic, keyed by application id (idempotent, acks=all), each
 * numbered by this process's {@link MonitorRun} as it is handed to the producer.
 *
 * <p>Why numbering here gives the topic's order: {@link EventPublisher#publish} returns once the Kafka
 * producer has appended the record to its partition's batch, in the calling thread, and the run holds
 * the application's lock across numbering and that call, so records of one application (one key, so
 * one partition) are appended in number order. With idempotence on, the producer keeps a partition's
 * order through retries (with the default of at most five requests in flight), so the broker stores
 * them in that order too.
 *
 * <p>Each observation is the root of a trace: a span of its own (ended as it is handed over, so it costs little),
 * whose context the record carries. A failover's trace starts at the observation that crossed the threshold; the
 * sampler decides whether it is recorded.
 */
public final class KafkaObservationSink implements ObservationSink {

    private final EventPublisher publisher;
    private final MonitorRun run;

    /**
     * @param run the monitor's run: one per monitor instance, shared by the probe scheduler's sink and
     *            the alert webhook's, which must number an application's observations from one counter
     */
    public KafkaObservationSink(EventPublisher publisher, MonitorRun run) {
        this.publisher = publisher;
        this.run = run;
    }

    @Override
    public CompletionStage<?> publish(HealthObservation observation) {
        return run.publish(observation, this::traced);
    }

    private CompletionStage<?> traced(HealthObservation observation) {
        BusTracing tracing = publisher.tracing();
        Span span = tracing.start("observe " + observation.component() + " " + observation.region(), null);
        try {
            span.tag("mrm.application", observation.applicationId());
            span.tag("mrm.vantage", observation.vantage());
            span.tag("mrm.status", observation.status().name());
            return publisher.publish(observation, tracing.contextOf(span));
        } finally {
            span.end();
        }
    }
}
