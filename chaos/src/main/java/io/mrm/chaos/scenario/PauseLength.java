package io.mrm.chaos.scenario;

import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.util.List;

/**
 * How long a fault lasts (a process paused, a service cut off), drawn from the seed between the timeouts that decide
 * what the others make of the silence, never close to one of them: which side of a timeout a run falls on must be
 * the seed's choice, not the machine's load. Below the first timeout nobody gives up and everything waits; past one,
 * something gives up (an open transaction aborted, a member dropped from its group and its work handed over) and the
 * process wakes up to find it so.
 *
 * @param length   how long the fault lasts
 * @param crossed  how many of the timeouts it outlasts
 * @param regime   where that is, e.g. "beyond the transaction timeout (10 s), within the session timeout (45 s)"
 * @param past     in short, for a timing's name: "past the session timeout", or "within every timeout"
 */
record PauseLength(Duration length, int crossed, String regime, String past) {

    /** A timeout that matters to the paused process, e.g. its group's session timeout. */
    record Timeout(String name, Duration duration) {

        @Override
        public String toString() {
            return name + " (" + duration.toSeconds() + " s)";
        }
    }

    /** Kafka's default session timeout, which MRM's groups keep. */
    static final Timeout SESSION = new Timeout("session timeout", Duration.ofSeconds(45));

    /** Kafka Streams' transaction timeout under exactly-once (the engine keeps its default). */
    static final Timeout TRANSACTION = new Timeout("transaction timeout", Duration.ofSeconds(10));

    /**
     * One of the regimes around {@code timeouts} (ascending), each as likely: below the first, from a tenth to 0.8
     * of it; between two, from 1.2 times the lower to 0.8 times the upper; beyond the last, from 1.2 to 1.5 times it
     * (the margins: a loaded machine's late heartbeats, a coordinator's periodic scans).
     */
    static PauseLength draw(ChaosSchedule schedule, List<Timeout> timeouts) {
        if (timeouts.isEmpty()) {
            throw new IllegalArgumentException("no timeout to draw around");
        }
        int crossed = schedule.pick(java.util.stream.IntStream.rangeClosed(0, timeouts.size())
                .boxed()
                .toList());
        Duration low;
        Duration high;
        String regime;
        if (crossed == 0) {
            Timeout first = timeouts.get(0);
            low = first.duration().dividedBy(10);
            high = first.duration().multipliedBy(4).dividedBy(5);
            regime = "within the " + first;
        } else if (crossed == timeouts.size()) {
            Timeout last = timeouts.get(crossed - 1);
            low = last.duration().multipliedBy(6).dividedBy(5);
            high = last.duration().multipliedBy(3).dividedBy(2);
            regime = "beyond the " + last;
        } else {
            Timeout below = timeouts.get(crossed - 1);
            Timeout above = timeouts.get(crossed);
            low = below.duration().multipliedBy(6).dividedBy(5);
            high = above.duration().multipliedBy(4).dividedBy(5);
            regime = "beyond the " + below + ", within the " + above;
        }
        String past = crossed == 0
                ? "within every timeout"
                : "past the " + timeouts.get(crossed - 1).name();
        return new PauseLength(schedule.between(low, high), crossed, regime, past);
    }

    @Override
    public String toString() {
        return String.format("for %.1f s (%s)", length.toMillis() / 1000.0, regime);
    }
}
