package io.mrm.chaos.scenario;

import io.mrm.chaos.domain.ChaosSchedule;

/** One way of breaking a failover, its random choices drawn from a seed so a run can be repeated. */
public interface Scenario {

    /** A short name, e.g. {@code engine-kill}. */
    String name();

    /** Breaks the failover that {@code run} drives, at points {@code schedule} picks. */
    void strike(FailoverRun run, ChaosSchedule schedule);
}
