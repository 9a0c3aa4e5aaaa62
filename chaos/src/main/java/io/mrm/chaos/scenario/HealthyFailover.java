package io.mrm.chaos.scenario;

import io.mrm.chaos.domain.ChaosSchedule;

/** No fault: the failover as it runs on a healthy deployment, the baseline the other scenarios' timings compare to. */
public final class HealthyFailover implements Scenario {

    @Override
    public String name() {
        return "healthy";
    }

    @Override
    public void strike(FailoverRun run, ChaosSchedule schedule) {
        // nothing breaks
    }
}
