package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Replicate from the primary {@code fromRegion} to {@code toRegion}. */
public record DataReprotectCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String fromRegion,
        String toRegion)
        implements DataCommand {

    public static final int SCHEMA_VERSION = 1;

    public DataReprotectCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("fromRegion", fromRegion);
        Require.name("toRegion", toRegion);
        Require.different("toRegion", toRegion, "fromRegion", fromRegion);
    }

    @Override
    public StepAction action() {
        return StepAction.DATA_REPROTECT;
    }
}
