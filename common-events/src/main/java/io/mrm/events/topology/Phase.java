package io.mrm.events.topology;

public enum Phase {
    /** Serving from {@code activeRegion}; no plan running. */
    STEADY,
    /** A decision waits for an operator's approval. */
    PROPOSED,
    /** A plan is executing. */
    SWITCHING,
    /** A plan step failed; an operator must resume, skip or abort. */
    PAUSED,
    /**
     * An aborted plan left the components in different regions (e.g. DNS switched, the database
     * not): {@code activeRegion} is where DNS sends traffic; an operator must resume the plan or
     * switch to one region (a manual failover or failback runs the whole plan there).
     */
    DIVERGED
}
