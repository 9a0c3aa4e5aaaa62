package io.mrm.health.domain;

import io.mrm.events.Require;
import io.mrm.events.observation.HealthObservation;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Function;

/**
 * One run of this monitor process, and the numbering of the observations it publishes: the run's id
 * ({@link HealthObservation#monitorRun()}) and, per application, a {@link HealthObservation#sequence()}
 * from 1 that grows with every observation handed to the publisher. The engine trusts "higher sequence
 * = later" within a run to drop a vantage's replayed or reordered reports without trusting its clock.
 *
 * <p>Per application, not one counter for the process: observations are keyed by application, so an
 * application's observations share one partition and are read in order, and its numbers then run
 * without the gaps other applications' observations would leave, so that a gap means a lost
 * observation of that application (one the publisher failed to send) and the engine can tell.
 *
 * <p>Numbering and hand-over are one step per application ({@link #publish}): observations reach it
 * from several threads (the probe scheduler's publisher, the alert webhook's request threads), and a
 * number taken in one order and handed over in another would put a lower number after a higher one.
 */
public final class MonitorRun {

    private final String id;
    private final ConcurrentMap<String, Counter> counters = new ConcurrentHashMap<>();

    /** The last number handed over for one application; its monitor orders the hand-overs. */
    private static final class Counter {
        long last;
    }

    /** @param id the run's id: a valid event id, unique to this start of the process */
    public MonitorRun(String id) {
        this.id = Require.id("monitorRun", id);
    }

    /** A run with a random id: one per start of the process. */
    public static MonitorRun random() {
        return new MonitorRun(UUID.randomUUID().toString());
    }

    public String id() {
        return id;
    }

    /**
     * Gives {@code observation} this run's id and its application's next number, and hands it to
     * {@code handOver} while no other observation of the application can be numbered or handed over:
     * hand-overs happen in number order. A hand-over that throws has sent nothing, so its number is
     * given to the next observation instead of leaving a gap.
     *
     * @param handOver passes the observation to the publisher (it must return once the publisher has
     *                 taken it in order, not wait for the broker)
     * @return what {@code handOver} returned
     */
    public <T> T publish(HealthObservation observation, Function<HealthObservation, T> handOver) {
        Counter counter = counters.computeIfAbsent(observation.applicationId(), app -> new Counter());
        synchronized (counter) {
            long next = counter.last + 1;
            T result = handOver.apply(numbered(observation, next));
            counter.last = next;
            return result;
        }
    }

    /** How many observations of the application this run has handed over. */
    public long handedOver(String applicationId) {
        Counter counter = counters.get(applicationId);
        if (counter == null) {
            return 0;
        }
        synchronized (counter) {
            return counter.last;
        }
    }

    private HealthObservation numbered(HealthObservation o, long sequence) {
        return new HealthObservation(
                o.id(),
                o.applicationId(),
                o.time(),
                o.schemaVersion(),
                o.region(),
                o.component(),
                o.probe(),
                o.vantage(),
                o.status(),
                o.latencyMs(),
                o.detail(),
                o.vantageRegion(),
                id,
                sequence);
    }
}
