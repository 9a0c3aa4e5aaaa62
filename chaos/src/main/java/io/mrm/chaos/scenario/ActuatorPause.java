package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.decision.PlanStep;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The actuator carrying out the drawn step is paused (SIGSTOP) once the step is commanded, for a time drawn on either
 * side of its group's session timeout, then resumed. Beyond the timeout its group has dropped it: it wakes up in the
 * middle of a command it no longer holds, cannot commit it, and reads it again after rejoining; the engine may also
 * have issued the step again meanwhile. The step must still take effect once, its acknowledgement must not be lost,
 * and the epochs it reports must only grow. Measures the pause to the step's acknowledgement.
 */
public final class ActuatorPause implements Scenario {

    @Override
    public String name() {
        return "actuator-pause";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint drawn = schedule.planPoint(run.decision().plan().size());
        ChaosSchedule.PlanPoint point = new ChaosSchedule.PlanPoint(drawn.step(), true);
        PauseLength pause = PauseLength.draw(schedule, List.of(PauseLength.SESSION));
        PlanStep step = run.decision().plan().get(point.step());
        ServiceProcesses.Service actuator = run.actuatorOf(step);
        run.awaitPlanPoint(point);
        Instant pausedAt = Instant.now();
        actuator.process().pause();
        run.fault("SIGSTOP to " + actuator.name() + " " + point + " (" + step.action() + "), " + pause);
        Instant resumedAt =
                run.holdThen(pause.length(), () -> actuator.process().resume());
        run.fault("SIGCONT to " + actuator.name());
        run.deployment().services().awaitReady(actuator, run.atMost());
        run.time("actuator resume to ready again", Duration.between(resumedAt, Instant.now()));
        run.timeStepAcknowledged(
                point.step(), pausedAt, "actuator pause to its step acknowledged, " + pause.past(), "the pause");
    }
}
