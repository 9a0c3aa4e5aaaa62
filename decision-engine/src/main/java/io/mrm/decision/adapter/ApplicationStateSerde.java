package io.mrm.decision.adapter;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.codec.EventJson;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/** Application state in the Streams store and its changelog, as JSON (readable when debugging). */
final class ApplicationStateSerde {

    private ApplicationStateSerde() {
    }

    static Serde<ApplicationState> create() {
        return Serdes.serdeFrom(
                (topic, state) -> state == null ? null : EventJson.write(state),
                (topic, bytes) -> bytes == null ? null : EventJson.readUnchecked(bytes, ApplicationState.class));
    }
}
