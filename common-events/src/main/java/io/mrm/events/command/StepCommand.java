package io.mrm.events.command;

import io.mrm.events.MrmEvent;
import io.mrm.events.decision.StepAction;

/** A command that executes one plan step; every actuator command topic carries these. */
public interface StepCommand extends MrmEvent {

    /** Which step, and the epoch that fences it. */
    StepRef step();

    /** What the command does. */
    StepAction action();
}
