package io.mrm.chaos.scenario;

import io.mrm.chaos.adapter.ServiceProcesses;
import io.mrm.chaos.domain.ChaosSchedule;
import java.time.Duration;
import java.time.Instant;
import java.util.List;

/**
 * The engine instance that owns the application is paused (SIGSTOP: a hung JVM, a long GC pause) at a point of the
 * plan drawn from the seed, for a time drawn on either side of the group's session timeout, then resumed. Within it,
 * the plan waits for the instance; beyond it, the other instance takes the task over and goes on, and the paused
 * one wakes up as a zombie: it still believes it owns the task, its punctuations and its open transaction must be
 * fenced (exactly-once), and nothing it writes may reach a reader of committed records. Measures the pause to the
 * engine's next output, and the resume to the instance ready again.
 */
public final class EnginePause implements Scenario {

    @Override
    public String name() {
        return "engine-pause";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        ChaosSchedule.PlanPoint point = schedule.planPoint(run.decision().plan().size());
        PauseLength pause = PauseLength.draw(schedule, List.of(PauseLength.TRANSACTION, PauseLength.SESSION));
        run.awaitPlanPoint(point);
        ServiceProcesses.Service owner = run.engineOwner();
        Instant pausedAt = Instant.now();
        owner.process().pause();
        run.fault("SIGSTOP to " + owner.name() + " (it owned " + run.policy().applicationId() + ") " + point + ", "
                + pause);
        Instant resumedAt = run.holdThen(pause.length(), () -> owner.process().resume());
        run.fault("SIGCONT to " + owner.name());
        run.deployment().services().awaitReady(owner, run.atMost());
        run.time("engine resume to ready again", Duration.between(resumedAt, Instant.now()));
        run.timePlanResumed(pausedAt, "engine pause to plan resumed, " + pause.past(), "the pause");
        run.note("the application's task is now with " + run.engineOwner().name());
    }
}
