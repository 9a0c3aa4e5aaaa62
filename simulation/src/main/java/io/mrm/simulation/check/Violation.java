package io.mrm.simulation.check;

import io.mrm.simulation.run.Trace;

/**
 * An invariant that did not hold.
 *
 * @param invariant the check's name, e.g. {@code EPOCHS_INCREASE}
 * @param atMs      virtual time of the failure
 */
public record Violation(String invariant, long atMs, String message) {

    @Override
    public String toString() {
        return invariant + " at " + Trace.clock(atMs) + ": " + message;
    }
}
