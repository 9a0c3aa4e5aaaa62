package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;

/**
 * The actuator carrying out the drawn step is paused (SIGSTOP) once the step is commanded, for a time drawn on either
 * side of its group's session timeout, then resumed. Beyond the timeout its group has dropped it: it wakes up in the
 * middle of a command it no longer holds, cannot commit it, and reads it again after rejoining; the engine may also
 * have issued the step again meanwhile. The step must still take effect once, its acknowledgement must not be lost,
 * and the epochs it reports must only grow. Measures the pause to the step's acknowledgement.
 */
public final class ActuatorPause implements Scenario {

    /** The actuators' session timeout (Kafka's default; their configuration leaves it). */
    static final Duration SESSION_TIMEOUT = Duration.ofSeconds(45);

    @Override
    public String name() {
        return "actuator-pause";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint drawn = schedule.planPoint(run.decision().plan().size());
        ChaosSchedule.PlanPoint point = new ChaosSchedule.PlanPoint(drawn.step(), true);
        PauseLength pause = PauseLength.draw(schedule, SESSION_TIMEOUT, "the group's session timeout");
        PlanStep step = run.decision().plan().get(point.step());
        ServiceProcesses.Service actuator = run.deployment().services().service(ActuatorKill.serviceOf(step));
        run.awaitPlanPoint(point);
        Instant pausedAt = Instant.now();
        actuator.process().pause();
        run.fault("SIGSTOP to " + actuator.name() + " " + point + " (" + step.action() + "), " + pause);
        run.hold(pause.length());
        Instant resumedAt = Instant.now();
        actuator.process().resume();
        run.fault("SIGCONT to " + actuator.name());
        String decisionId = run.decision().id();
        try {
            run.await(
                    CommandAck.class,
                    a -> a.step().decisionId().equals(decisionId) && a.step().stepIndex() == point.step());
            CommandAck first = run.events(CommandAck.class).stream()
                    .filter(a ->
                            a.step().decisionId().equals(decisionId) && a.step().stepIndex() == point.step())
                    .min(Comparator.comparing(CommandAck::time))
                    .orElseThrow();
            if (first.time().isBefore(pausedAt)) {
                run.note("step " + point.step() + " was acknowledged before the pause took hold");
            } else {
                run.time(
                        "actuator pause to its step acknowledged (" + (pause.beyond() ? "beyond" : "within")
                                + " the session)",
                        Duration.between(pausedAt, first.time()));
            }
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            run.fault("no acknowledgement of step " + point.step() + " after the pause within " + run.atMost());
        }
        run.deployment().services().awaitReady(actuator, run.atMost());
        run.time("actuator resume to ready again", Duration.between(resumedAt, Instant.now()));
    }
}
