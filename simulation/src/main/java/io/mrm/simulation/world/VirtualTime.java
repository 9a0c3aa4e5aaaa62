package io.mrm.simulation.world;

import java.time.Instant;
import java.util.PriorityQueue;

/**
 * The simulation's only clock: virtual milliseconds since {@link #T0}, advanced by taking the next
 * timed event off a priority queue. Events due at the same millisecond run in the order they were
 * scheduled, so a run is a pure function of its seed.
 */
public final class VirtualTime {

    public static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");
    private static final long T0_MS = T0.toEpochMilli();

    private record Timed(long at, long order, Runnable action) {}

    private final PriorityQueue<Timed> queue =
            new PriorityQueue<>((a, b) -> a.at != b.at ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
    private long now;
    private long scheduled;

    public long now() {
        return now;
    }

    public Instant instant() {
        return at(now);
    }

    public static Instant at(long ms) {
        return Instant.ofEpochMilli(T0_MS + ms);
    }

    public static long ms(Instant instant) {
        return instant.toEpochMilli() - T0_MS;
    }

    /** Runs {@code action} {@code delayMs} from now (at least 1 ms: nothing happens inside another event). */
    public void after(long delayMs, Runnable action) {
        queue.add(new Timed(now + Math.max(1, delayMs), scheduled++, action));
    }

    /** Runs the next event; false when none is due before {@code endMs}. */
    public boolean runNext(long endMs) {
        Timed next = queue.peek();
        if (next == null || next.at > endMs) {
            return false;
        }
        queue.poll();
        now = next.at;
        next.action.run();
        return true;
    }
}
