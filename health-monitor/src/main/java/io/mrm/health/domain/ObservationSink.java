package io.mrm.health.domain;

import io.mrm.events.observation.HealthObservation;
import java.util.concurrent.CompletionStage;

/** Where observations go (the observations topic in production). Returns when the send is confirmed. */
public interface ObservationSink {

    CompletionStage<?> publish(HealthObservation observation);
}
