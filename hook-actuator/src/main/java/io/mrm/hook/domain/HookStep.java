package io.mrm.hook.domain;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.regex.Pattern;

/**
 * One hook step of a plan: run the hook named {@code kind} for an application switching from one region to
 * another.
 *
 * @param commandId   the command's id; a hook receives it as the delivery id and de-duplicates by it
 * @param application the application's id
 * @param fromRegion  the region the application leaves
 * @param toRegion    the region it goes to
 * @param epoch       the decision's epoch (fencing token): a lower one than already seen is refused
 * @param mode        graceful or forced
 * @param kind        the configured hook to run, e.g. {@code notify-ops} or {@code cpi-orders}
 * @param deadline    by when the step must have ended
 * @param rehearsal   a drill: only read-only checks, nothing changes
 * @param preflight   the plan asks a pre-flight hook (which may veto) rather than one that acts; it must match
 *                    how the hook is configured
 * @param stepKey     the plan step this command is an attempt of ({@code decisionId/epoch/stepIndex}): the same on
 *                    every attempt of the step, where each attempt has a command id of its own; a hook
 *                    de-duplicates by it. Null: the command id
 */
public record HookStep(
        String commandId,
        String application,
        String fromRegion,
        String toRegion,
        long epoch,
        HookMode mode,
        String kind,
        Instant deadline,
        boolean rehearsal,
        boolean preflight,
        String stepKey) {

    private static final Pattern NAME = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");
    private static final int MAX_COMMAND_ID = 200;

    /** @throws IllegalArgumentException naming every problem of the step at once */
    public HookStep {
        List<String> problems = new ArrayList<>();
        if (commandId == null || commandId.isBlank()) {
            problems.add("commandId is required");
        } else if (commandId.length() > MAX_COMMAND_ID || !commandId.chars().allMatch(c -> c > 0x20 && c < 0x7f)) {
            problems.add("commandId must be printable ASCII without spaces, at most " + MAX_COMMAND_ID + " characters");
        }
        name(problems, "application", application);
        name(problems, "fromRegion", fromRegion);
        name(problems, "toRegion", toRegion);
        name(problems, "kind", kind);
        if (fromRegion != null && fromRegion.equals(toRegion)) {
            problems.add("fromRegion and toRegion are both '" + toRegion + "'");
        }
        if (epoch < 0) {
            problems.add("epoch must not be negative, was " + epoch);
        }
        if (mode == null) {
            problems.add("mode is required (GRACEFUL or FORCED)");
        }
        if (deadline == null) {
            problems.add("deadline is required");
        }
        stepKey = stepKey == null ? commandId : stepKey;
        if (stepKey != null
                && (stepKey.isBlank()
                        || stepKey.length() > MAX_COMMAND_ID
                        || !stepKey.chars().allMatch(c -> c > 0x20 && c < 0x7f))) {
            problems.add("stepKey must be printable ASCII without spaces, at most " + MAX_COMMAND_ID + " characters");
        }
        if (!problems.isEmpty()) {
            throw new IllegalArgumentException("invalid hook step: " + String.join("; ", problems));
        }
    }

    /** A step of a hook that acts (not a pre-flight hook). */
    public HookStep(
            String commandId,
            String application,
            String fromRegion,
            String toRegion,
            long epoch,
            HookMode mode,
            String kind,
            Instant deadline,
            boolean rehearsal) {
        this(commandId, application, fromRegion, toRegion, epoch, mode, kind, deadline, rehearsal, false, null);
    }

    /** The same step without its deadline: a retry of a command may carry a later one. */
    boolean sameRequestAs(HookStep other) {
        return commandId.equals(other.commandId)
                && application.equals(other.application)
                && fromRegion.equals(other.fromRegion)
                && toRegion.equals(other.toRegion)
                && epoch == other.epoch
                && mode == other.mode
                && kind.equals(other.kind)
                && rehearsal == other.rehearsal
                && preflight == other.preflight
                && stepKey.equals(other.stepKey);
    }

    private static void name(List<String> problems, String field, String value) {
        if (value == null || value.isBlank()) {
            problems.add(field + " is required");
        } else if (!NAME.matcher(value).matches()) {
            problems.add(field + " '" + Objects.toString(value) + "' is not valid: lower-case letters, digits and '-', "
                    + "at most 63 characters");
        }
    }
}
