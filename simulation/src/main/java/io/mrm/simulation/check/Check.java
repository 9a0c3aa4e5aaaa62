package io.mrm.simulation.check;

import io.mrm.simulation.actors.CoreStep;

/** One named invariant. It sees every step of the core and every change of the world, and fails through its checker. */
abstract class Check {

    final String name;
    Checker checker;

    Check(String name) {
        this.name = name;
    }

    /** After every step, with the oracles updated by the step's input and the ledger not yet by its outputs. */
    void afterStep(CoreStep step) {}

    /** The engine starts from no state: what it knew is gone. */
    void newLineage(CoreStep step) {}

    void engineStopped(long nowMs) {}

    void engineStarted(long nowMs) {}

    void dnsMoved(String from, String to, long epoch, String decisionId, long nowMs) {}

    void promoted(String region, long epoch, String decisionId, long nowMs) {}

    void worldChanged(long nowMs) {}

    void fail(long nowMs, String message) {
        checker.fail(name, nowMs, message);
    }

    Context c() {
        return checker.context;
    }
}
