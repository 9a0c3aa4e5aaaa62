package io.mrm.health.adapter;

import io.mrm.events.observation.HealthObservation;
import io.mrm.health.domain.ObservationSink;
import io.mrm.kafka.EventPublisher;
import java.util.concurrent.CompletionStage;

/** Observations onto the observations topic, keyed by application id (idempotent, acks=all). */
public final class KafkaObservationSink implements ObservationSink {

    private final EventPublisher publisher;

    public KafkaObservationSink(EventPublisher publisher) {
        this.publisher = publisher;
    }

    @Override
    public CompletionStage<?> publish(HealthObservation observation) {
        return publisher.publish(observation);
    }
}
