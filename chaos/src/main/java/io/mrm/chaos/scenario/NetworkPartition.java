package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.adapter.TcpLink;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
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

    /** The session timeout of the engine's and the actuators' groups (Kafka's default; their configuration leaves it). */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

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
        PauseLength length = PauseLength.draw(schedule, SESSION_TIMEOUT, "the group's session timeout");
        ChaosSchedule.PlanPoint point = engine ? drawn : new ChaosSchedule.PlanPoint(drawn.step(), true);
        PlanStep step = run.decision().plan().get(point.step());
        run.awaitPlanPoint(point);
        ServiceProcesses.Service victim =
                engine ? EngineKill.owner(run) : run.deployment().services().service(ActuatorKill.serviceOf(step));
        List<TcpLink> links = run.deployment().brokers().linksOf(victim.name());

        Instant cutAt = Instant.now();
        links.forEach(blackHole ? TcpLink::blackHole : TcpLink::cut);
        run.fault((blackHole ? "black hole between " : "connections reset between ") + victim.name()
                + " and every broker " + point + (engine ? "" : " (" + step.action() + ")") + ", " + length);
        run.hold(length.length());
        Instant healedAt = Instant.now();
        links.forEach(TcpLink::restore);
        run.fault("network between " + victim.name() + " and the brokers restored");

        String within = " (" + (blackHole ? "black hole" : "reset") + ", " + (length.beyond() ? "beyond" : "within")
                + " the session)";
        if (engine) {
            try {
                Instant next = run.awaitRecordAfter(cutAt, EngineKill.engineOutputAfter(run, cutAt));
                run.time("engine partition to plan resumed" + within, Duration.between(cutAt, next));
            } catch (org.awaitility.core.ConditionTimeoutException e) {
                run.fault("no engine output for the application after the partition within " + run.atMost());
            }
        } else {
            awaitStepAcknowledged(run, point.step(), cutAt, within);
        }
        run.deployment().services().awaitReady(victim, run.atMost());
        run.time("healed to " + victim.module() + " ready again", Duration.between(healedAt, Instant.now()));
        if (engine) {
            run.note("the application's task is now with "
                    + EngineKill.owner(run).name());
        }
    }

    private static void awaitStepAcknowledged(FailoverRun run, int stepIndex, Instant cutAt, String within) {
        String decisionId = run.decision().id();
        try {
            run.await(
                    CommandAck.class,
                    a -> a.step().decisionId().equals(decisionId) && a.step().stepIndex() == stepIndex);
            CommandAck first = run.events(CommandAck.class).stream()
                    .filter(a ->
                            a.step().decisionId().equals(decisionId) && a.step().stepIndex() == stepIndex)
                    .min(Comparator.comparing(CommandAck::time))
                    .orElseThrow();
            if (first.time().isBefore(cutAt)) {
                run.note("step " + stepIndex + " was acknowledged before the network failed");
            } else {
                run.time("actuator partition to its step acknowledged" + within, Duration.between(cutAt, first.time()));
            }
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            run.fault("no acknowledgement of step " + stepIndex + " after the partition within " + run.atMost());
        }
    }
}
