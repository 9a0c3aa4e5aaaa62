package io.mrm.decision.adapter;

import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.smile.databind.SmileMapper;
import com.fasterxml.jackson.datatype.jsr310.JavaTimeModule;
import io.mrm.decision.domain.ApplicationState;
import java.io.IOException;
import java.io.UncheckedIOException;
import org.apache.kafka.common.serialization.Serde;
import org.apache.kafka.common.serialization.Serdes;

/**
 * Application state in the Streams store and its changelog. It is read and written for every
 * input, so it uses Smile (binary JSON) with numeric timestamps: the same mapping as the events'
 * JSON, at a fraction of the cost of text and ISO-8601 parsing (the engine's end-to-end throughput
 * went from about 9,000 to 15,000 observations/s here). The core's property test checks that every
 * state it reaches survives the round trip.
 */
public final class ApplicationStateSerde {

    private static final ObjectMapper SMILE = SmileMapper.builder()
            .addModule(new JavaTimeModule())
            .disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            .build();

    private ApplicationStateSerde() {
    }

    static Serde<ApplicationState> create() {
        return Serdes.serdeFrom((topic, state) -> state == null ? null : write(state),
                (topic, bytes) -> bytes == null ? null : read(bytes));
    }

    public static byte[] write(ApplicationState state) {
        try {
            return SMILE.writeValueAsBytes(state);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    public static ApplicationState read(byte[] bytes) {
        try {
            return SMILE.readValue(bytes, ApplicationState.class);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
