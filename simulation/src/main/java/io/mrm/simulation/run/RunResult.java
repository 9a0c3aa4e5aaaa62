package io.mrm.simulation.run;

import io.mrm.simulation.check.Coverage;
import io.mrm.simulation.check.Violation;
import java.util.Set;

/**
 * What one seed did.
 *
 * @param violation the first invariant broken, or null
 * @param traceHash a hash of every step's time, input and outputs: equal for equal runs
 * @param steps     steps of the core (inputs and ticks)
 */
public record RunResult(
        long seed, Violation violation, Set<Coverage> coverage, long traceHash, long steps, long virtualMs) {}
