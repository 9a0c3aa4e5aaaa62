package io.mrm.events.journal;

import io.mrm.events.Require;
import java.time.Instant;

/**
 * One step of the decision core, written in the same transaction as the step's outputs: which
 * input it consumed (none for a tick, the passing of time) and the time it was given. Replaying
 * the journal's entries in order — each input read back from its topic — through the core
 * reproduces the engine's outputs exactly; this is the audit's and the backtest's source of truth.
 *
 * @param time    the {@code now} the core was given
 * @param input   the input consumed; null for a tick
 * @param outputs how many events the step emitted
 */
public record EngineStep(String id, String applicationId, Instant time, int schemaVersion, InputRef input, int outputs)
        implements JournalEvent {

    public static final int SCHEMA_VERSION = 1;

    /**
     * Where an input was read.
     *
     * @param id        the input event's id
     * @param type      its CloudEvents type
     * @param topic     the topic it was read from
     * @param partition its partition
     * @param offset    its offset
     */
    public record InputRef(String id, String type, String topic, int partition, long offset) {

        public InputRef {
            Require.id("input.id", id);
            Require.text("input.type", type);
            Require.text("input.topic", topic);
            Require.atLeast("input.partition", partition, 0);
            Require.atLeast("input.offset", offset, 0L);
        }
    }

    public EngineStep {
        Require.common(id, applicationId, time, schemaVersion);
        Require.atLeast("outputs", outputs, 0);
    }

    /** A tick: the passing of time, no input. (Not a bean getter, so it stays out of the JSON.) */
    public boolean tick() {
        return input == null;
    }
}
