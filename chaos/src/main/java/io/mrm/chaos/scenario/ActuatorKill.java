package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import io.mrm.events.ack.CommandAck;
import io.mrm.events.decision.PlanStep;
import java.time.Duration;
import java.time.Instant;

/**
 * (c) The actuator executing a step is SIGKILLed while the step runs (its command read, its acknowledgement not yet
 * written), then started again: the command is read again and carried out (converging: no second effect), and the
 * plan goes on. Measures the time from the kill to the step's acknowledgement.
 */
public final class ActuatorKill implements Scenario {

    @Override
    public String name() {
        return "actuator-kill";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint drawn = schedule.planPoint(run.decision().plan().size());
        ChaosSchedule.PlanPoint point = new ChaosSchedule.PlanPoint(drawn.step(), true);
        PlanStep step = run.decision().plan().get(point.step());
        ServiceProcesses.Service actuator = run.actuatorOf(step);
        run.awaitPlanPoint(point);
        Instant killedAt = actuator.process().kill();
        run.fault("SIGKILL to " + actuator.name() + " " + point + " (" + step.action() + ")");
        actuator.process().start();
        String decisionId = run.decision().id();
        try {
            run.await(
                    CommandAck.class,
                    a -> a.step().decisionId().equals(decisionId)
                            && a.step().stepIndex() == point.step()
                            && a.time().isAfter(killedAt));
            run.time("actuator kill to its step acknowledged", Duration.between(killedAt, Instant.now()));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            run.fault("no acknowledgement of step " + point.step() + " after the kill within " + run.atMost());
        }
    }
}
