package io.mrm.simulation.actors;

import io.mrm.decision.adapter.ApplicationStateSerde;
import io.mrm.decision.domain.ApplicationState;
import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.StepResult;
import io.mrm.events.MrmEvent;
import io.mrm.events.topology.TopologyState;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.VirtualTime;
import java.util.ArrayDeque;
import java.util.function.Consumer;

/**
 * The decision engine as a host of the real core, the way decision-engine runs it: inputs one at a
 * time in arrival order (one partition per application), a tick every tick interval, and each step's
 * state change and outputs atomic (exactly-once: a crash between steps loses and repeats nothing).
 *
 * <p>Crashes: the engine stops; inputs that arrive meanwhile wait and are processed when it is back.
 * The application's state is kept (it goes through {@link ApplicationStateSerde} as through the store
 * and its changelog, and must come back equal), lost (the engine then restores it from the last
 * topology it published, as the compacted topic holds it), or, rarely, reset (state and topology gone:
 * the engine starts from nothing and learns the epochs actuators hold from their acks).
 */
public final class EngineHost {

    public enum Fate {
        KEPT,
        LOST,
        RESET
    }

    private final DecisionCore core;
    private final VirtualTime time;
    private final long tickMs;
    private final Trace trace;
    private final EngineListener listener;
    private final Consumer<MrmEvent> publish;
    private final ArrayDeque<MrmEvent> backlog = new ArrayDeque<>();
    /** Every n-th state also goes through the store's serialization (cheap enough, and finds more). */
    private final int roundTripEvery;

    private ApplicationState state;
    private TopologyState lastTopology;
    private boolean up = true;
    private int incarnation;
    private int lineage;
    private long steps;

    public EngineHost(
            DecisionCore core,
            VirtualTime time,
            long tickMs,
            int roundTripEvery,
            Trace trace,
            EngineListener listener,
            Consumer<MrmEvent> publish) {
        this.core = core;
        this.time = time;
        this.tickMs = tickMs;
        this.roundTripEvery = roundTripEvery;
        this.trace = trace;
        this.listener = listener;
        this.publish = publish;
    }

    public void start() {
        scheduleTick(incarnation);
    }

    public boolean up() {
        return up;
    }

    public ApplicationState state() {
        return state;
    }

    public TopologyState lastTopology() {
        return lastTopology;
    }

    public long steps() {
        return steps;
    }

    /** An input reaches the engine's input topics. */
    public void deliver(MrmEvent input) {
        if (!up) {
            backlog.add(input);
            return;
        }
        step(input);
    }

    private void scheduleTick(int forIncarnation) {
        time.after(tickMs, () -> {
            if (up && incarnation == forIncarnation) {
                if (state != null) {
                    step(null);
                }
                scheduleTick(forIncarnation);
            }
        });
    }

    private void step(MrmEvent input) {
        long now = time.now();
        ApplicationState before = state;
        StepResult result = input == null ? core.tick(state, time.instant()) : core.step(state, input, time.instant());
        steps++;
        if (input instanceof TopologyState) {
            lineage++;
        }
        // a tick that changed nothing is left out of the trace: it would only repeat the clock
        if (trace.on()
                && (input != null
                        || !result.outputs().isEmpty()
                        || !result.state().equals(before))) {
            trace.line(
                    now,
                    "engine",
                    input == null
                            ? "TICK"
                            : "IN " + Describe.event(input)
                                    + (result.refusal() == null
                                            ? ""
                                            : "  => REFUSED " + result.refusal().reason()));
            result.outputs().forEach(o -> trace.line(now, "engine", "  OUT " + Describe.event(o)));
        }
        trace.mix(now);
        trace.mix(input == null ? 0 : input.id().hashCode());
        for (MrmEvent output : result.outputs()) {
            trace.mix(output.id());
            trace.mix(Describe.fingerprint(output));
        }
        listener.afterStep(new CoreStep(now, before, input, result, lineage));
        state = result.state();
        if (roundTripEvery > 0 && steps % roundTripEvery == 0) {
            roundTrip();
        }
        for (MrmEvent output : result.outputs()) {
            if (output instanceof TopologyState topology) {
                lastTopology = topology; // the compacted topic keeps the latest per application
            }
            publish.accept(output);
        }
    }

    /** The engine process dies between two steps. */
    public void crash(Fate fate, long downMs) {
        if (!up) {
            return;
        }
        up = false;
        incarnation++;
        switch (fate) {
            case KEPT -> roundTrip();
            case LOST -> state = null;
            case RESET -> {
                state = null;
                lastTopology = null;
            }
        }
        if (trace.on()) {
            trace.line(time.now(), "engine", "CRASH, state " + fate + ", back in " + downMs + " ms");
        }
        listener.stopped(time.now(), fate);
        time.after(downMs, this::restart);
    }

    private void restart() {
        up = true;
        if (trace.on()) {
            trace.line(
                    time.now(),
                    "engine",
                    "RESTART with " + backlog.size() + " inputs waiting"
                            + (state == null
                                    ? (lastTopology == null ? ", no state and no topology" : ", restoring")
                                    : ""));
        }
        listener.started(time.now());
        if (state == null) {
            if (lastTopology != null) {
                step(lastTopology);
            } else {
                lineage++; // a reset: whatever comes first starts a state from nothing
            }
        }
        while (!backlog.isEmpty() && up) {
            step(backlog.poll());
        }
        scheduleTick(incarnation);
    }

    private void roundTrip() {
        if (state == null) {
            return;
        }
        ApplicationState back = ApplicationStateSerde.read(ApplicationStateSerde.write(state));
        if (!back.equals(state)) {
            listener.roundTripDiffers(time.now(), "stored " + state + " read back as " + back);
        }
        state = back;
    }
}
