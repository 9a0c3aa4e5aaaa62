package io.mrm.simulation.actors;

import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.VirtualTime;
import java.util.List;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import java.util.function.Function;

/**
 * One direction of a link between two actors (engine to an actuator, an actuator to the engine):
 * delivers after a random latency, and by its faults loses a message, delivers it twice, or delivers it
 * late. Commands keep their order, as one partition read by one consumer does; acks may overtake one
 * another.
 */
public final class Transport {

    /**
     * @param loss       chance a message is never delivered
     * @param duplicate  chance it is delivered a second time, later
     * @param late       chance it is delivered after {@code lateMs} more
     * @param latencyMs  the usual latency is 1..latencyMs
     * @param lateMs     a late message comes up to this much later
     */
    public record Faults(double loss, double duplicate, double late, long latencyMs, long lateMs) {}

    /**
     * Whether messages keep their order (a Kafka partition read by one consumer: a late message holds up
     * those behind it, a duplicate comes in sequence), or may overtake one another (acks of different
     * actuators, produced independently).
     */
    public enum Order {
        KEPT,
        FREE
    }

    private final String name;
    private final VirtualTime time;
    private final SplittableRandom rng;
    private final Faults faults;
    private final Trace trace;
    private final Order order;
    /** When the last message delivered in order arrives: none may arrive before it. */
    private long lastDelivery;

    public Transport(String name, VirtualTime time, SplittableRandom rng, Faults faults, Order order, Trace trace) {
        this.name = name;
        this.time = time;
        this.rng = rng;
        this.faults = faults;
        this.order = order;
        this.trace = trace;
    }

    public <T> void send(T message, Function<? super T, String> describe, Consumer<T> deliver) {
        if (rng.nextDouble() < faults.loss()) {
            if (trace.on()) {
                trace.line(time.now(), name, "LOST " + describe.apply(message));
            }
            return;
        }
        time.after(arrival(latency()), () -> deliver.accept(message));
        if (rng.nextDouble() < faults.duplicate()) {
            long again = arrival(latency() + 1 + rng.nextLong(3_000));
            if (trace.on()) {
                trace.line(time.now(), name, "DUPLICATED (again in " + again + " ms) " + describe.apply(message));
            }
            time.after(again, () -> deliver.accept(message));
        }
    }

    /** Delivers (in order) messages sent before, again: a consumer that restarted from an old offset. */
    public <T> void redeliver(List<T> messages, Function<? super T, String> describe, Consumer<T> deliver) {
        for (T message : messages) {
            if (trace.on()) {
                trace.line(time.now(), name, "REDELIVERS " + describe.apply(message));
            }
            time.after(arrival(latency()), () -> deliver.accept(message));
        }
    }

    /** The delay after which a message sent now arrives, behind every earlier one if order is kept. */
    private long arrival(long delay) {
        if (order == Order.FREE) {
            return delay;
        }
        long at = Math.max(time.now() + delay, lastDelivery + 1);
        lastDelivery = at;
        return at - time.now();
    }

    private long latency() {
        long usual = 1 + rng.nextLong(Math.max(1, faults.latencyMs()));
        return rng.nextDouble() < faults.late() ? usual + 1 + rng.nextLong(Math.max(1, faults.lateMs())) : usual;
    }
}
