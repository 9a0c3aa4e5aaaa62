package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Set {@code region}'s Message VPN replication role. */
public record EventsSetRoleCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String region,
        ReplicationRole role)
        implements EventsCommand {

    public static final int SCHEMA_VERSION = 1;

    public EventsSetRoleCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("region", region);
        Require.present("role", role);
    }

    @Override
    public StepAction action() {
        return role == ReplicationRole.ACTIVE ? StepAction.EVENTS_SET_ACTIVE : StepAction.EVENTS_SET_STANDBY;
    }
}
