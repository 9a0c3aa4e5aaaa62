package io.mrm.simulation.run;

import io.mrm.decision.domain.DecisionCore;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.events.MrmEvent;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Actuator;
import io.mrm.simulation.actors.Describe;
import io.mrm.simulation.actors.EngineHost;
import io.mrm.simulation.actors.Monitor;
import io.mrm.simulation.actors.Operators;
import io.mrm.simulation.actors.Signers;
import io.mrm.simulation.actors.SimActuator;
import io.mrm.simulation.actors.Transport;
import io.mrm.simulation.check.Checker;
import io.mrm.simulation.check.Violation;
import io.mrm.simulation.world.VirtualTime;
import io.mrm.simulation.world.World;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

/**
 * One seeded run of the whole control loop: the real {@link DecisionCore} hosted by a simulated engine,
 * fed by simulated monitors and operators, its commands executed by simulated actuators against a
 * simulated world, everything on one virtual clock, every step checked. No threads, no wall clock, no
 * randomness but the seed's: the same seed gives the same run.
 */
public final class Simulation {

    /** Virtual length of one run: long enough for a few outages, failovers, proposals and hold-downs. */
    public static final long DEFAULT_RUN_MS = 6 * 60_000;

    private final Scenario scenario;
    private final Trace trace;
    private final VirtualTime time = new VirtualTime();
    private final World world;
    private final Checker checker;
    private final EngineHost engine;
    private final Map<Actuator, SimActuator> actuators = new EnumMap<>(Actuator.class);
    private final List<Monitor> monitors = new ArrayList<>();
    private final Operators operators;
    private final Weather weather;
    /** One command topic per actuator, each read in order. */
    private final Map<Actuator, Transport> commandLinks = new EnumMap<>(Actuator.class);

    private final Map<Actuator, List<StepCommand>> sent = new EnumMap<>(Actuator.class);

    public Simulation(long seed, long runMs, boolean recordTrace) {
        scenario = Scenario.of(seed, runMs);
        trace = new Trace(recordTrace);
        SplittableRandom root = new SplittableRandom(seed);
        world = new World(Scenario.PRIMARY, Scenario.STANDBY, scenario.dnsPropagationMs);
        RequestAuthority authority =
                scenario.operators.signed() ? Signers.AUTHORITY : RequestAuthority.unsignedAccepted();
        DecisionCore core = new DecisionCore(Map.of(Scenario.APP, scenario.policy), authority);
        EngineHost[] host = new EngineHost[1];
        checker = new Checker(scenario.policy, world, scenario.tickMs, () -> host[0].state(), () -> host[0].up());
        world.listen(checker);
        engine = new EngineHost(core, time, scenario.tickMs, 200, trace, checker, this::publish);
        host[0] = engine;
        Transport ackLink =
                new Transport("ack-link", time, root.split(), scenario.ackLink, Transport.Order.FREE, trace);
        for (Actuator kind : Actuator.values()) {
            actuators.put(
                    kind,
                    new SimActuator(
                            kind, world, time, root.split(), scenario.actuators, ackLink, engine::deliver, trace));
            commandLinks.put(
                    kind,
                    new Transport(
                            "cmd-" + kind.name().toLowerCase(java.util.Locale.ROOT),
                            time,
                            root.split(),
                            scenario.commandLink,
                            Transport.Order.KEPT,
                            trace));
            sent.put(kind, new ArrayList<>());
        }
        for (String vantage : scenario.policy.vantages().stream().sorted().toList()) {
            monitors.add(new Monitor(
                    new Monitor.Setup(
                            vantage,
                            scenario.probeIntervalMs,
                            scenario.monitorComponents,
                            scenario.flaky,
                            scenario.degraded,
                            scenario.replay,
                            scenario.observationLatencyMs),
                    Scenario.APP,
                    world,
                    time,
                    root.split(),
                    engine::deliver,
                    trace));
        }
        operators = new Operators(
                scenario.operators,
                Scenario.APP,
                List.of(Scenario.PRIMARY, Scenario.STANDBY),
                time,
                root.split(),
                engine::deliver,
                trace);
        weather = new Weather(
                scenario,
                time,
                root.split(),
                world,
                monitors,
                List.copyOf(actuators.values()),
                engine,
                this::redeliverOld,
                engine::deliver,
                trace);
    }

    public static RunResult run(long seed, long runMs) {
        return new Simulation(seed, runMs, false).run();
    }

    public RunResult run() {
        if (trace.on()) {
            trace.line(0, "scenario", scenario.describe());
        }
        SplittableRandom offsets = new SplittableRandom(scenario.seed * 31 + 7);
        for (Monitor m : monitors) {
            m.start(1 + offsets.nextLong(scenario.probeIntervalMs));
        }
        engine.start();
        operators.start();
        weather.start();
        Violation thrown = null;
        try {
            while (checker.violation() == null && time.runNext(scenario.runMs)) {
                // every event runs here, one at a time, in virtual-time order
            }
        } catch (RuntimeException | StackOverflowError e) {
            // the core (or the simulation) failed on an input: as bad as a broken invariant, and replayable
            thrown = new Violation("NOTHING_THROWS", time.now(), e + " at " + where(e));
        }
        Violation violation = thrown != null ? thrown : checker.violation();
        if (trace.on()) {
            trace.line(
                    time.now(),
                    "end",
                    violation == null ? "no invariant broken; " + world : "VIOLATION " + violation + "\n  " + world);
        }
        trace.mix(world.toString());
        return new RunResult(scenario.seed, violation, checker.coverage(), trace.hash(), engine.steps(), time.now());
    }

    /** The first frames of the failure, deepest first, enough to find it. */
    private static String where(Throwable e) {
        StackTraceElement[] frames = e.getStackTrace();
        StringBuilder b = new StringBuilder();
        for (int i = 0; i < Math.min(4, frames.length); i++) {
            b.append(i == 0 ? "" : " < ").append(frames[i]);
        }
        return b.toString();
    }

    public Trace trace() {
        return trace;
    }

    public Scenario scenario() {
        return scenario;
    }

    private void publish(MrmEvent output) {
        if (output instanceof StepCommand command) {
            Actuator kind = command.action().actuator();
            sent.get(kind).add(command);
            commandLinks.get(kind).send(command, Describe::command, this::deliverCommand);
        }
        operators.read(output);
    }

    /**
     * An actuator's consumer goes back to an old offset: commands from a random earlier one on are read
     * again, in order (each must be refused as stale or late, or converge to what it already did).
     */
    private void redeliverOld(SplittableRandom rng) {
        Actuator kind = Actuator.values()[rng.nextInt(Actuator.values().length)];
        List<StepCommand> all = sent.get(kind);
        if (all.isEmpty()) {
            return;
        }
        int from = rng.nextInt(all.size());
        List<StepCommand> again = List.copyOf(all.subList(from, Math.min(all.size(), from + 1 + rng.nextInt(6))));
        commandLinks.get(kind).redeliver(again, Describe::command, this::deliverCommand);
    }

    private void deliverCommand(StepCommand command) {
        actuators.get(command.action().actuator()).receive(command);
    }
}
