package io.mrm.chaos.scenario;

import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.util.List;

/**
 * How long a paused process stays paused, drawn from the seed on either side of the timeout that decides what the
 * others make of its silence: within it, nobody gives up on the process and everything waits for it; beyond it, its
 * group (or the controllers) give up on it, others take its work over, and it wakes up to find itself replaced.
 *
 * @param length       how long it stays paused
 * @param beyond       whether that outlasts {@code timeout}
 * @param timeout      the timeout it is measured against
 * @param timeoutName  what that timeout is, for the report
 */
record PauseLength(Duration length, boolean beyond, Duration timeout, String timeoutName) {

    /**
     * Within: from a tenth to a half of {@code timeout}; beyond: from 1.2 to 1.5 times it (the margin: a loaded
     * machine's late heartbeats, the group's own rebalance).
     */
    static PauseLength draw(ChaosSchedule schedule, Duration timeout, String timeoutName) {
        boolean beyond = schedule.pick(List.of(Boolean.TRUE, Boolean.FALSE));
        Duration length = beyond
                ? schedule.between(
                        timeout.multipliedBy(6).dividedBy(5),
                        timeout.multipliedBy(3).dividedBy(2))
                : schedule.between(timeout.dividedBy(10), timeout.dividedBy(2));
        return new PauseLength(length, beyond, timeout, timeoutName);
    }

    @Override
    public String toString() {
        return String.format(
                "for %.1f s (%s %s's %d s)",
                length.toMillis() / 1000.0, beyond ? "beyond" : "within", timeoutName, timeout.toSeconds());
    }
}
