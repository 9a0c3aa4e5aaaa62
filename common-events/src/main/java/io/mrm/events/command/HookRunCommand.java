package io.mrm.events.command;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import java.time.Instant;

/**
 * Run the configured hook {@code hook} for the application's switch from {@code fromRegion} to
 * {@code toRegion} (step action HOOK, or PREFLIGHT_HOOK when {@code preflight}).
 *
 * @param hook       the hook's name in the hook actuator's configuration
 * @param preflight  a pre-flight hook: asked before anything changes, it may answer VETOED; absent means
 *                   false (a hook that acts)
 * @param fromRegion the region the application leaves
 * @param toRegion   the region it enters
 * @param mode       the plan's mode: GRACEFUL (both regions answer) or FORCED (the region left may be down)
 */
public record HookRunCommand(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        StepRef step,
        String hook,
        Boolean preflight,
        String fromRegion,
        String toRegion,
        FailoverMode mode)
        implements HookCommand {

    public static final int SCHEMA_VERSION = 1;

    public HookRunCommand {
        Require.common(id, applicationId, time, schemaVersion);
        Require.present("step", step);
        Require.name("hook", hook);
        // false is written as absent, as a rehearsal flag is
        preflight = Boolean.TRUE.equals(preflight) ? Boolean.TRUE : null;
        Require.name("fromRegion", fromRegion);
        Require.name("toRegion", toRegion);
        Require.different("toRegion", toRegion, "fromRegion", fromRegion);
        Require.present("mode", mode);
    }

    /** Whether the hook is asked before anything changes (and may veto). */
    public boolean preflighting() {
        return preflight != null;
    }

    @Override
    public StepAction action() {
        return preflighting() ? StepAction.PREFLIGHT_HOOK : StepAction.HOOK;
    }
}
