package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Make {@code region}'s database the writable primary; stop applying from the other. */
public record DataPromoteCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String region) implements DataCommand {

    public static final int SCHEMA_VERSION = 1;

    public DataPromoteCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("region", region);
    }

    @Override
    public StepAction action() {
        return StepAction.DATA_PROMOTE;
    }
}
