package io.mrm.chaos.domain;

import java.time.Duration;
import java.util.List;
import java.util.SplittableRandom;

/**
 * The random choices of one scenario run, all drawn from one seed, so that a run that broke something can be run
 * again exactly: the same seed picks the same point of the plan, the same victim, the same variant.
 */
public final class ChaosSchedule {

    private final long seed;
    private final SplittableRandom random;

    public ChaosSchedule(long seed) {
        this.seed = seed;
        // SplittableRandom: java.util.Random's first bounded draw barely changes between nearby seeds
        this.random = new SplittableRandom(seed);
    }

    public long seed() {
        return seed;
    }

    /** A point of a plan of {@code steps} steps: a step, and whether to strike when its command is issued or acknowledged. */
    public PlanPoint planPoint(int steps) {
        if (steps < 1) {
            throw new IllegalArgumentException("a plan has at least one step, not " + steps);
        }
        return new PlanPoint(random.nextInt(steps), random.nextBoolean());
    }

    /** A duration from {@code low} (included) to {@code high} (excluded), to the millisecond. */
    public Duration between(Duration low, Duration high) {
        if (high.compareTo(low) <= 0) {
            throw new IllegalArgumentException("an empty range: " + low + " to " + high);
        }
        return low.plusMillis(random.nextLong(high.minus(low).toMillis()));
    }

    /** One of {@code options}. */
    public <T> T pick(List<T> options) {
        if (options.isEmpty()) {
            throw new IllegalArgumentException("nothing to pick from");
        }
        return options.get(random.nextInt(options.size()));
    }

    /**
     * Where in a plan a fault strikes.
     *
     * @param step          the step's index
     * @param afterCommand  true: once the step's first command is on its topic (the step is running); false: once
     *                      its first acknowledgement is (the step is done, the engine has yet to move on)
     */
    public record PlanPoint(int step, boolean afterCommand) {

        @Override
        public String toString() {
            return (afterCommand ? "when step " + step + " is commanded" : "when step " + step + " is acknowledged");
        }
    }
}
