package io.mrm.decision.domain;

import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.command.HookRunCommand;
import io.mrm.events.command.ReplicationRole;
import io.mrm.events.command.StepCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.operator.FailoverMode;
import java.time.Instant;

/** The command that executes a plan step, for the actuator that owns its action. */
final class StepCommands {

    private StepCommands() {}

    /** A step outside a plan (a pending fence): its mode does not matter, since only promotes carry it. */
    static StepCommand forStep(String id, String applicationId, Instant now, PlanStep step, StepRef ref) {
        return forStep(id, applicationId, now, step, ref, FailoverMode.GRACEFUL);
    }

    static StepCommand forStep(
            String id, String applicationId, Instant now, PlanStep step, StepRef ref, FailoverMode mode) {
        return forStep(id, applicationId, now, step, ref, mode, null);
    }

    /**
     * @param maxBacklogBytes the backlog bound a drain carries (an automatic failover's graceful try under
     *                        {@code failover-drain-max-backlog}); null: none. Only drains carry it
     */
    static StepCommand forStep(
            String id,
            String applicationId,
            Instant now,
            PlanStep step,
            StepRef ref,
            FailoverMode mode,
            Long maxBacklogBytes) {
        String region = step.region();
        String peer = step.peerRegion();
        return switch (step.action()) {
            case DNS_ROUTE -> new DnsRouteCommand(id, applicationId, now, DnsRouteCommand.SCHEMA_VERSION, ref, region);
            case DNS_VERIFY ->
                new DnsVerifyCommand(id, applicationId, now, DnsVerifyCommand.SCHEMA_VERSION, ref, region);
            case DATA_DRAIN ->
                new DataDrainCommand(
                        id, applicationId, now, DataDrainCommand.SCHEMA_VERSION, ref, region, peer, maxBacklogBytes);
            case DATA_PROMOTE ->
                new DataPromoteCommand(id, applicationId, now, DataPromoteCommand.SCHEMA_VERSION, ref, region, mode);
            case DATA_FENCE ->
                new DataFenceCommand(id, applicationId, now, DataFenceCommand.SCHEMA_VERSION, ref, region);
            case DATA_REPROTECT ->
                new DataReprotectCommand(
                        id, applicationId, now, DataReprotectCommand.SCHEMA_VERSION, ref, region, peer);
            case EVENTS_SET_STANDBY ->
                new EventsSetRoleCommand(
                        id,
                        applicationId,
                        now,
                        EventsSetRoleCommand.SCHEMA_VERSION,
                        ref,
                        region,
                        ReplicationRole.STANDBY);
            case EVENTS_SET_ACTIVE ->
                new EventsSetRoleCommand(
                        id,
                        applicationId,
                        now,
                        EventsSetRoleCommand.SCHEMA_VERSION,
                        ref,
                        region,
                        ReplicationRole.ACTIVE);
            case EVENTS_DRAIN ->
                new EventsDrainCommand(id, applicationId, now, EventsDrainCommand.SCHEMA_VERSION, ref, region, peer);
            case EVENTS_VERIFY ->
                new EventsVerifyCommand(id, applicationId, now, EventsVerifyCommand.SCHEMA_VERSION, ref, region);
            // a hook step acts for the whole switch: it leaves its peer (the region left) for its region
            case HOOK, PREFLIGHT_HOOK ->
                new HookRunCommand(
                        id,
                        applicationId,
                        now,
                        HookRunCommand.SCHEMA_VERSION,
                        ref,
                        step.hook(),
                        step.action() == io.mrm.events.decision.StepAction.PREFLIGHT_HOOK,
                        peer,
                        region,
                        mode);
        };
    }
}
