package io.mrm.events.readiness;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.time.Instant;

/**
 * One read-only check of one step an actuator would execute in a switch towards {@code region}.
 *
 * @param region     the region a switch would go to (the target); a step on the region being left
 *                   ({@link StepAction#needsSourceRegion()}) is checked against the other region
 * @param action     the plan step checked
 * @param check      what was checked, a short name (e.g. {@code hosted-zone}, {@code subscription-state})
 * @param status     the result
 * @param reason     why, in words an operator acts on (e.g. "AccessDenied: the credential may not
 *                   read hosted zone Z123"); for READY what was seen
 * @param checkedAt  when the check ran
 * @param durationMs how long it took
 */
public record ReadinessCheck(
        String region,
        StepAction action,
        String check,
        ReadinessStatus status,
        String reason,
        Instant checkedAt,
        long durationMs) {

    public ReadinessCheck {
        Require.name("region", region);
        Require.present("action", action);
        Require.name("check", check);
        Require.present("status", status);
        reason = Require.text("reason", reason);
        Require.present("checkedAt", checkedAt);
        Require.atLeast("durationMs", durationMs, 0);
    }

    /** This check as it counts once its result is too old: UNKNOWN, saying when it last ran and what it saw. */
    public ReadinessCheck stale(Instant now) {
        return new ReadinessCheck(
                region,
                action,
                check,
                ReadinessStatus.UNKNOWN,
                clip("stale: last checked " + checkedAt + " (" + status + ": " + reason + ")"),
                checkedAt,
                durationMs);
    }

    /** A reason clipped to what the contract carries, so a backend's long error cannot make a check invalid. */
    public static String clip(String reason) {
        return reason.length() <= Require.MAX_TEXT ? reason : reason.substring(0, Require.MAX_TEXT - 1) + "…";
    }

    /** The step does not touch the region being left: a target that fails it cannot be switched to. */
    public boolean targetSide() {
        return !action.needsSourceRegion();
    }
}
