package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/** Check that the application's DNS name answers with {@code expectedRegion}'s target. */
public record DnsVerifyCommand(
        String id, String applicationId, Instant time, int schemaVersion, StepRef step, String expectedRegion)
        implements DnsCommand {

    public static final int SCHEMA_VERSION = 1;

    public DnsVerifyCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("expectedRegion", expectedRegion);
    }

    @Override
    public StepAction action() {
        return StepAction.DNS_VERIFY;
    }
}
