package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.adapter.TcpLink;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.decision.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * A service cut off from all three brokers by the network while the plan runs, and still running: unlike a paused
 * process, its threads go on (the engine's punctuations, the actuator's command against its backend, which it still
 * reaches) and only its Kafka traffic is lost. The way the network fails is drawn from the seed: a black hole (nothing
 * gets through, nobody is told; each side finds out from its own timeouts) or a reset (connections refused and
 * reset). So is how long it lasts, on either side of the group's session timeout: beyond it the group drops the
 * service, and it comes back to find its work taken over (the engine: a zombie, whose transaction must not commit)
 * or its command no longer its own (the actuator: it cannot commit it, reads it again, and must not do it twice).
 *
 * <p>{@code engine-partition} cuts the engine instance that owns the application once the drawn step is reached;
 * {@code actuator-partition} cuts the actuator of the drawn step once the step is commanded.
 */
public final class NetworkPartition implements Scenario {

    private final boolean engine;

    private NetworkPartition(boolean engine) {
        this.engine = engine;
    }

    /** The engine instance owning the application cut off. */
    public static NetworkPartition engine() {
        return new NetworkPartition(true);
    }

    /** The actuator carrying out a step cut off. */
    public static NetworkPartition actuator() {
        return new NetworkPartition(false);
    }

    @Override
    public String name() {
        return engine ? "engine-partition" : "actuator-partition";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint drawn = schedule.planPoint(run.decision().plan().size());
        boolean blackHole = schedule.pick(List.of(Boolean.TRUE, Boolean.FALSE));
        PauseLength length = PauseLength.draw(
                schedule,
                engine ? List.of(PauseLength.TRANSACTION, PauseLength.SESSION) : List.of(PauseLength.SESSION));
        ChaosSchedule.PlanPoint point = engine ? drawn : new ChaosSchedule.PlanPoint(drawn.step(), true);
        PlanStep step = run.decision().plan().get(point.step());
        run.awaitPlanPoint(point);
        ServiceProcesses.Service victim = engine ? run.engineOwner() : run.actuatorOf(step);
        List<TcpLink> links = run.deployment().brokers().linksOf(victim.name());

        long before = links.stream().mapToLong(TcpLink::bytesForwarded).sum();
        if (before == 0) {
            // the service would not be cut off at all: its Kafka clients reach the brokers some other way
            run.violated("fault took hold", victim.name() + " has sent nothing through its links to the brokers");
        }
        Instant cutAt = Instant.now();
        links.forEach(blackHole ? TcpLink::blackHole : TcpLink::cut);
        run.fault((blackHole ? "black hole between " : "connections reset between ") + victim.name()
                + " and every broker " + point + (engine ? "" : " (" + step.action() + ")") + ", " + length);
        Instant healedAt = run.holdThen(length.length(), () -> links.forEach(TcpLink::restore));
        run.fault("network between " + victim.name() + " and the brokers restored");
        long atRestore = links.stream().mapToLong(TcpLink::bytesForwarded).sum();

        run.deployment().services().awaitReady(victim, run.atMost());
        run.time("healed to " + victim.module() + " ready again", Duration.between(healedAt, Instant.now()));
        String how = (blackHole ? "black hole" : "reset") + ", " + length.past();
        if (engine) {
            run.timePlanResumed(cutAt, "engine partition to plan resumed (" + how + ")", "the partition");
        } else {
            run.timeStepAcknowledged(
                    point.step(), cutAt, "actuator partition to its step acknowledged (" + how + ")", "the partition");
        }
        if (links.stream().mapToLong(TcpLink::bytesForwarded).sum() <= atRestore) {
            run.violated("fault took hold", victim.name() + " sent nothing through its links after they were restored");
        }
        if (engine) {
            run.note("the application's task is now with " + run.engineOwner().name());
        }
    }
}
