package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/**
 * Wait (bounded by the step deadline) until {@code toRegion} has applied all that {@code fromRegion} committed.
 *
 * @param maxBacklogBytes the largest backlog the drain may take on, in bytes: when {@code toRegion} is further
 *                        behind than this at the start, the actuator drains nothing, changes nothing and answers
 *                        {@code FAILED_FATAL} {@value #BACKLOG_TOO_LARGE} with the measured backlog (a backend
 *                        that cannot measure it drains as without a bound). Set only on an automatic failover's
 *                        graceful first try ({@code failover-drain-max-backlog}), which then falls back to forced;
 *                        absent means no bound (and in commands written before the field)
 */
public record DataDrainCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String fromRegion,
        String toRegion,
        Long maxBacklogBytes)
        implements DataCommand {

    public static final int SCHEMA_VERSION = 1;
    /** The error code of a drain refused because the backlog exceeds {@link #maxBacklogBytes()}. */
    public static final String BACKLOG_TOO_LARGE = "BACKLOG_TOO_LARGE";

    public DataDrainCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("fromRegion", fromRegion);
        Require.name("toRegion", toRegion);
        Require.different("toRegion", toRegion, "fromRegion", fromRegion);
        if (maxBacklogBytes != null) {
            Require.atLeast("maxBacklogBytes", maxBacklogBytes, 1L);
        }
    }

    /** A drain without a bound on the backlog: what commands written before the bound existed meant. */
    public DataDrainCommand(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            StepRef step,
            String fromRegion,
            String toRegion) {
        this(id, applicationId, time, schemaVersion, step, fromRegion, toRegion, null);
    }

    @Override
    public StepAction action() {
        return StepAction.DATA_DRAIN;
    }
}
