package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/**
 * Make {@code region}'s database refuse writes under the command's epoch: the fence of the region a
 * forced failover leaves, tried beside the plan and retried as a duty until it succeeds. Changes
 * nothing on a database already fenced at this epoch or a higher one.
 */
public record DataFenceCommand(
        String id, String applicationId, Instant time, int schemaVersion, StepRef step, String region)
        implements DataCommand {

    public static final int SCHEMA_VERSION = 1;

    public DataFenceCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("region", region);
    }

    @Override
    public StepAction action() {
        return StepAction.DATA_FENCE;
    }
}
