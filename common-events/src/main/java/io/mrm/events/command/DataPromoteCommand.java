package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import java.time.Instant;

/**
 * Make {@code region}'s database the writable primary; stop applying from the other.
 *
 * @param mode the plan's mode. GRACEFUL: the old primary must be fenced and drained first; when it
 *             does not answer the promote fails retriably rather than open a second writable
 *             database. FORCED: the old primary is fenced and drained when it answers in time, and
 *             what could not be is recorded. Absent means GRACEFUL (the field was added after the
 *             first version, so it is optional, and the safe reading is the default).
 */
public record DataPromoteCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String region,
        FailoverMode mode)
        implements DataCommand {

    public static final int SCHEMA_VERSION = 1;

    public DataPromoteCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("region", region);
        mode = mode == null ? FailoverMode.GRACEFUL : mode;
    }

    /** A graceful promote: what commands written before the mode existed meant. */
    public DataPromoteCommand(
            String id, String applicationId, Instant time, int schemaVersion, StepRef step, String region) {
        this(id, applicationId, time, schemaVersion, step, region, FailoverMode.GRACEFUL);
    }

    public boolean forced() {
        return mode == FailoverMode.FORCED;
    }

    @Override
    public StepAction action() {
        return StepAction.DATA_PROMOTE;
    }
}
