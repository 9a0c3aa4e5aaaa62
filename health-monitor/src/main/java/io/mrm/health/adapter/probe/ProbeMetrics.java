package io.mrm.health.adapter.probe;

import io.mrm.health.domain.ProbeTarget;

/** What the probe scheduler counts and times, for the service's metrics. Called from many threads. */
public interface ProbeMetrics {

    /** Why an observation was never published. */
    enum Dropped {
        /** The publish queue was full: the broker is slow or unreachable. */
        QUEUE_FULL,
        /** The producer refused the observation or the broker did not confirm it in time; it is not retried. */
        PUBLISH_FAILED,
        /** The scheduler stopped before it could publish the observation. */
        SHUTDOWN
    }

    /** Outcome of a probe whose target was not probed (the monitor's own trouble): never published. */
    String NOT_PROBED = "NOT_PROBED";

    /**
     * @param outcome the observation's status ({@code UP}, {@code DEGRADED}, {@code DOWN}) or {@link #NOT_PROBED}
     * @param nanos   from the tick that started the probe to its result (or the scheduler's timeout)
     */
    void probed(ProbeTarget target, String outcome, long nanos);

    void tickSkipped(ProbeTarget target);

    void dropped(Dropped reason);

    ProbeMetrics NONE = new ProbeMetrics() {
        @Override
        public void probed(ProbeTarget target, String outcome, long nanos) {}

        @Override
        public void tickSkipped(ProbeTarget target) {}

        @Override
        public void dropped(Dropped reason) {}
    };
}
