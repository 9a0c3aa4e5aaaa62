package io.mrm.events;

import java.time.Instant;

/**
 * What every MRM event carries. Each topic has one sealed sub-interface listing the event types
 * allowed on it; see {@link Topics}.
 */
public interface MrmEvent {

    /** Unique id of this event; also its CloudEvents {@code id}. */
    String id();

    /** The application this event is about; also the Kafka record key. */
    String applicationId();

    /** When the event happened (observation time, request time, decision time...). */
    Instant time();

    /** Version of the body's schema; changes are additive, consumers ignore unknown fields. */
    int schemaVersion();
}
