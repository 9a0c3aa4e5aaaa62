package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Check that {@code region}'s broker accepts a persistent message and delivers it. */
public record EventsVerifyCommand(
        String id, String applicationId, Instant time, int schemaVersion, StepRef step, String region)
        implements EventsCommand {

    public static final int SCHEMA_VERSION = 1;

    public EventsVerifyCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("region", region);
    }

    @Override
    public StepAction action() {
        return StepAction.EVENTS_VERIFY;
    }
}
