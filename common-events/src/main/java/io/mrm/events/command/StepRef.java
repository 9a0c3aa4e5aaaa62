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
 */
public record StepRef(String decisionId, long epoch, int stepIndex, int attempt, Instant deadline) {

    public StepRef {
        Require.id("step.decisionId", decisionId);
        Require.atLeast("step.epoch", epoch, 1);
        Require.atLeast("step.stepIndex", stepIndex, 0);
        Require.atLeast("step.attempt", attempt, 1);
        Require.present("step.deadline", deadline);
    }
}
