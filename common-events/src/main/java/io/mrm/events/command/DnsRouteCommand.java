package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Point the application's DNS name at {@code targetRegion}. */
public record DnsRouteCommand(
        String id, String applicationId, Instant time, int schemaVersion, StepRef step, String targetRegion)
        implements DnsCommand {

    public static final int SCHEMA_VERSION = 1;

    public DnsRouteCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("targetRegion", targetRegion);
    }

    @Override
    public StepAction action() {
        return StepAction.DNS_ROUTE;
    }
}
