package io.mrm.simulation.actors;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.command.CommandGate;
import io.mrm.events.command.DataDrainCommand;
import io.mrm.events.command.DataFenceCommand;
import io.mrm.events.command.DataPromoteCommand;
import io.mrm.events.command.DataReprotectCommand;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.DnsVerifyCommand;
import io.mrm.events.command.EventsDrainCommand;
import io.mrm.events.command.EventsSetRoleCommand;
import io.mrm.events.command.EventsVerifyCommand;
import io.mrm.events.command.StepCommand;
import io.mrm.events.decision.Actuator;
import io.mrm.simulation.run.Trace;
import io.mrm.simulation.world.BackendResult;
import io.mrm.simulation.world.VirtualTime;
import io.mrm.simulation.world.World;
import java.time.Instant;
import java.util.Map;
import java.util.Optional;
import java.util.SplittableRandom;
import java.util.function.Consumer;

/**
 * One actuator (DNS, data or events) as the real ones promise to behave (docs/actuators.md): the
 * epoch fence and deadline gate of {@link CommandGate} (the real class, forgotten when the actuator
 * restarts), then converge the world's backend, whose own fencing token refuses what the forgetful gate
 * let through; every ack carries the fence epoch the actuator holds (the backend's when it refused).
 * Its faults: latency, transient and fatal failures that change nothing, steps towards an unreachable
 * region that fail retriably or never answer, and restarts.
 */
public final class SimActuator {

    /**
     * @param transient   chance an attempt fails retriably before touching anything (throttling, a 5xx)
     * @param fatal       chance it fails for good before touching anything (credentials, a bad request)
     * @param hangWhenUnreachable chance a command towards an unreachable region is never answered
     * @param eventsBacklogStuck chance an events drain finds messages it cannot drain in time
     * @param executionMs how long executing takes: the ack leaves 1..executionMs after the command starts
     */
    public record Faults(
            double transientFailure,
            double fatal,
            double hangWhenUnreachable,
            double eventsBacklogStuck,
            long executionMs) {}

    private final Actuator kind;
    private final World world;
    private final VirtualTime time;
    private final SplittableRandom rng;
    private final Faults faults;
    private final Transport acks;
    private final Consumer<CommandAck> engine;
    private final Trace trace;
    private CommandGate gate = new CommandGate();
    private long downUntil = -1;
    private int restarts;

    public SimActuator(
            Actuator kind,
            World world,
            VirtualTime time,
            SplittableRandom rng,
            Faults faults,
            Transport acks,
            Consumer<CommandAck> engine,
            Trace trace) {
        this.kind = kind;
        this.world = world;
        this.time = time;
        this.rng = rng;
        this.faults = faults;
        this.acks = acks;
        this.engine = engine;
        this.trace = trace;
    }

    public Actuator kind() {
        return kind;
    }

    /** A command consumed from its topic; while the actuator is down it waits for the restart. */
    public void receive(StepCommand command) {
        if (time.now() < downUntil) {
            time.after(downUntil - time.now() + 1 + rng.nextLong(50), () -> receive(command));
            return;
        }
        execute(command);
    }

    /** The process restarts: its in-memory fence is gone; the backends' tokens are not. */
    public void restart(long downMs) {
        gate = new CommandGate();
        downUntil = time.now() + downMs;
        restarts++;
        if (trace.on()) {
            trace.line(time.now(), kind.name(), "RESTART (in-memory fence forgotten, back in " + downMs + " ms)");
        }
    }

    public int restarts() {
        return restarts;
    }

    private void execute(StepCommand command) {
        Instant now = time.instant();
        String app = command.applicationId();
        Optional<CommandAck> refusal = gate.refusal(command, now); // carries the gate's fence epoch
        CommandAck ack;
        if (refusal.isPresent()) {
            ack = refusal.get();
        } else if (towardsUnreachable(command) && rng.nextDouble() < faults.hangWhenUnreachable()) {
            if (trace.on()) {
                trace.line(time.now(), kind.name(), "HANGS on " + Describe.command(command) + " (region unreachable)");
            }
            return;
        } else if (rng.nextDouble() < faults.transientFailure()) {
            ack = Acks.of(
                    command,
                    AckOutcome.FAILED_RETRIABLE,
                    "THROTTLED",
                    "the backend throttled the request",
                    0,
                    Map.of(),
                    now,
                    gate.highest(app));
        } else if (fatal(command)) {
            ack = Acks.of(
                    command,
                    AckOutcome.FAILED_FATAL,
                    "UNAUTHORIZED",
                    "the backend refused the credentials",
                    0,
                    Map.of(),
                    now,
                    gate.highest(app));
        } else {
            BackendResult result = converge(command);
            long fenceEpoch = result.outcome() == AckOutcome.REJECTED_STALE
                    ? result.backendEpoch()
                    : Math.max(gate.highest(app), result.backendEpoch());
            ack = Acks.of(
                    command,
                    result.outcome(),
                    result.code(),
                    result.detail(),
                    0,
                    Map.of("changed", Boolean.toString(result.changed())),
                    now,
                    fenceEpoch);
        }
        if (trace.on()) {
            trace.line(
                    time.now(),
                    kind.name(),
                    "EXECUTES " + Describe.command(command) + " -> " + ack.outcome()
                            + (ack.errorCode() == null ? "" : " " + ack.errorCode()) + " fence " + ack.fenceEpoch());
        }
        CommandAck answer = ack;
        time.after(1 + rng.nextLong(Math.max(1, faults.executionMs())), () -> acks.send(answer, Describe::ack, engine));
    }

    /**
     * A fatal failure (bad credentials, a request the backend rejects) is a property of the command, not of
     * the moment: the same command delivered again fails the same way.
     */
    private boolean fatal(StepCommand command) {
        return faults.fatal() > 0 && new SplittableRandom(command.id().hashCode()).nextDouble() < faults.fatal();
    }

    private BackendResult converge(StepCommand command) {
        long epoch = command.step().epoch();
        String decision = command.step().decisionId();
        long now = time.now();
        if (command instanceof DnsRouteCommand c) {
            return world.dns().route(c.targetRegion(), epoch, decision, now);
        }
        if (command instanceof DnsVerifyCommand c) {
            return world.dns().verify(c.expectedRegion(), now);
        }
        if (command instanceof DataDrainCommand c) {
            return world.data().drain(c.fromRegion(), c.toRegion(), epoch, now);
        }
        if (command instanceof DataPromoteCommand c) {
            return world.data().promote(c.region(), epoch, decision, now);
        }
        if (command instanceof DataReprotectCommand c) {
            return world.data().reprotect(c.fromRegion(), c.toRegion(), epoch, now);
        }
        if (command instanceof DataFenceCommand c) {
            return world.data().fence(c.region(), epoch, now);
        }
        if (command instanceof EventsSetRoleCommand c) {
            return world.events().setRole(c.region(), c.role(), epoch, now);
        }
        if (command instanceof EventsDrainCommand c) {
            return world.events().drain(c.fromRegion(), rng.nextDouble() < faults.eventsBacklogStuck());
        }
        if (command instanceof EventsVerifyCommand c) {
            return world.events().verify(c.region());
        }
        throw new IllegalStateException(
                "no actuator executes " + command.getClass().getSimpleName());
    }

    private boolean towardsUnreachable(StepCommand command) {
        for (String region : Describe.regions(command)) {
            if (world.region(region) != null && !world.region(region).reachable()) {
                return true;
            }
        }
        return false;
    }
}
