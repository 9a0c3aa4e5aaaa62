package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Wait (bounded) until {@code fromRegion}'s replication queue towards {@code toRegion} is empty. */
public record EventsDrainCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String fromRegion,
        String toRegion)
        implements EventsCommand {

    public static final int SCHEMA_VERSION = 1;

    public EventsDrainCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("fromRegion", fromRegion);
        Require.name("toRegion", toRegion);
        Require.different("toRegion", toRegion, "fromRegion", fromRegion);
    }

    @Override
    public StepAction action() {
        return StepAction.EVENTS_DRAIN;
    }
}
