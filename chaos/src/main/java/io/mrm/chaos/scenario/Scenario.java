package io.mrm.chaos.scenario;

import io.mrm.chaos.domain.ChaosSchedule;

/** One way of breaking a failover, its random choices drawn from a seed so a run can be repeated. */
public interface Scenario {

    /** A short name, e.g. {@code engine-kill}. */
    String name();

    /**
     * Takes the primary region away, once the deployment is steady: by default its database is cut from the
     * monitors' view (the application's health in the local stack is its database).
     */
    default void outage(FailoverRun run, ChaosSchedule schedule) {
        run.cutPrimaryFromMonitors();
    }

    /** Whether the outage must lead to an automatic failover (false: one may happen, or none). */
    default boolean failoverExpected() {
        return true;
    }

    /** Breaks the failover that {@code run} drives, at points {@code schedule} picks. */
    void strike(FailoverRun run, ChaosSchedule schedule);
}
