package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.time.Instant;

/**
 * (a) The engine instance that owns the application is SIGKILLed at a random point of the failover plan; the other
 * instance takes its partitions over (after the group's session timeout: static membership) and finishes the plan.
 * Measures the time from the kill to the engine's next output.
 */
public final class EngineKill implements Scenario {

    @Override
    public String name() {
        return "engine-kill";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint point = schedule.planPoint(run.decision().plan().size());
        run.awaitPlanPoint(point);
        ServiceProcesses.Service owner = run.engineOwner();
        Instant killedAt = owner.process().kill();
        run.fault("SIGKILL to " + owner.name() + " (it owned " + run.policy().applicationId() + ") " + point);
        try {
            // written after the kill (a record committed just before it may still be read after it)
            Instant resumed = run.awaitRecordAfter(killedAt, run.engineOutputAfter(killedAt));
            run.time("engine kill to plan resumed", Duration.between(killedAt, resumed));
        } catch (org.awaitility.core.ConditionTimeoutException e) {
            run.fault("no engine output for the application after the kill within " + run.atMost());
        }
        run.repairAfterSwitch(() -> {
            owner.process().start();
            run.deployment().services().awaitReady(owner, run.atMost());
        });
    }
}
