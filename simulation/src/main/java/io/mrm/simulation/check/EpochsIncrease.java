package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationState;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.operator.AbortRequest;
import io.mrm.events.operator.ResumeRequest;
import io.mrm.events.topology.Phase;
import io.mrm.simulation.actors.CoreStep;
import io.mrm.simulation.actors.Describe;

/**
 * Invariant 2: epochs issued strictly increase, across engine restarts and restores. Every new
 * decision's epoch, and the epoch an accepted resume or abort of a plan moves to, is above every epoch
 * issued before (decisions, commands, resumes, aborts); the running plan's commands carry the current epoch.
 *
 * <p>After a reset (state and published topology both gone) the engine cannot know what was issued
 * before; then the promise is the weaker one the core makes: above every epoch it has learnt of (its
 * own, and those acks report), so that a stale refusal and a resume get it past the actuators' fences.
 */
final class EpochsIncrease extends Check {

    EpochsIncrease() {
        super("EPOCHS_INCREASE");
    }

    /** Which epochs the floor covers, for the message (only built when a check fails, it is cheap anyway). */
    private String of() {
        String of = c().resetHappened ? "known to the engine since its reset" : "ever issued";
        if (c().restoredAfterResetAtMs >= 0) {
            of += " (it restored its state from its topology at "
                    + io.mrm.simulation.run.Trace.clock(c().restoredAfterResetAtMs)
                    + ", after learning epochs from acks)";
        }
        return of;
    }

    @Override
    void afterStep(CoreStep step) {
        Ledger ledger = c().ledger;
        long floor = c().resetHappened ? ledger.maxEpochKnown : ledger.maxEpochIssued;
        java.util.function.Supplier<String> of = this::of;
        ApplicationState before = step.before();
        ApplicationState after = step.after();
        FailoverDecision d = Steps.decision(step);
        if (d != null && d.epoch() <= floor) {
            fail(
                    step.nowMs(),
                    "decision " + Describe.id(d.id()) + " has epoch " + d.epoch() + ", not above the " + "highest "
                            + of.get() + " (" + floor + ")");
        }
        if (Ledger.accepted(step, ResumeRequest.class) && after.epoch() <= floor) {
            fail(
                    step.nowMs(),
                    "resume of " + Describe.id(after.lastDecisionId()) + " continues under epoch " + after.epoch()
                            + ", not above the highest " + of.get() + " (" + floor + ")");
        }
        boolean planRan = before != null && (before.phase() == Phase.SWITCHING || before.phase() == Phase.PAUSED);
        if (planRan && Ledger.accepted(step, AbortRequest.class) && after.epoch() <= floor) {
            fail(
                    step.nowMs(),
                    "abort of " + Describe.id(before.lastDecisionId()) + " leaves epoch " + after.epoch()
                            + ", not above the highest " + of.get() + " (" + floor
                            + "): commands in flight are not fenced");
        }
        // the running plan's commands carry the current epoch; a fence duty retried in the same step, before a new
        // decision took it over, carries the epoch current when it was sent (the new one fences it anyway)
        String current = after.run() == null ? null : after.run().decision().id();
        long atStart = before == null ? 0 : before.epoch();
        for (StepCommand c : Steps.outputs(step, StepCommand.class)) {
            boolean ofPlan = c.step().decisionId().equals(current);
            if (ofPlan
                    ? c.step().epoch() != after.epoch()
                    : c.step().epoch() < atStart || c.step().epoch() > after.epoch()) {
                fail(
                        step.nowMs(),
                        "command " + Describe.command(c) + " carries epoch "
                                + c.step().epoch() + ", not the current " + after.epoch());
            }
        }
        if (before != null && !step.restore() && after.epoch() < before.epoch()) {
            fail(step.nowMs(), "the epoch went down from " + before.epoch() + " to " + after.epoch());
        }
    }
}
