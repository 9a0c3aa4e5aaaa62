package io.mrm.events.topology;

public enum Phase {
    /** Serving from {@code activeRegion}; no plan running. */
    STEADY,
    /** A decision waits for an operator's approval. */
    PROPOSED,
    /** A plan is executing. */
    SWITCHING,
    /** A plan step failed; an operator must resume, skip or abort. */
    PAUSED
}
