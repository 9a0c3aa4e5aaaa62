package io.mrm.events.command;

import io.mrm.events.Require;
import java.time.Instant;

/**
 * Which plan step a command executes, and the fencing token it carries.
 *
 * @param decisionId the decision whose plan this is
 * @param epoch      the application's epoch at that decision; actuators refuse lower epochs
 * @param stepIndex  the step's index in the plan
 * @param attempt    1 for the first attempt, then 2, 3...
 * @param deadline   when this attempt counts as failed if not acknowledged
 * @param rehearsal  true for a drill: the actuator checks every precondition and permission the step needs,
 *                   times its read-only parts, changes nothing (no fence, no epoch recorded) and answers with
 *                   what it would have done; absent (null) for a real step
 */
public record StepRef(String decisionId, long epoch, int stepIndex, int attempt, Instant deadline, Boolean rehearsal) {

    /** A real step (not a rehearsal). */
    public StepRef(String decisionId, long epoch, int stepIndex, int attempt, Instant deadline) {
        this(decisionId, epoch, stepIndex, attempt, deadline, null);
    }

    public StepRef {
        // false is written as absent, so a real step's JSON is what it was before drills existed
        rehearsal = Boolean.TRUE.equals(rehearsal) ? Boolean.TRUE : null;
        Require.id("step.decisionId", decisionId);
        Require.atLeast("step.epoch", epoch, 1);
        Require.atLeast("step.stepIndex", stepIndex, 0);
        Require.atLeast("step.attempt", attempt, 1);
        Require.present("step.deadline", deadline);
    }

    /** Whether this is a drill's step: check and tell, change nothing. */
    public boolean rehearsing() {
        return rehearsal != null;
    }
}
