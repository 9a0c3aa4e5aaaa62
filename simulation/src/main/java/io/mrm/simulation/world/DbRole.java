package io.mrm.simulation.world;

/** What one region's database does for the application. */
public enum DbRole {
    /** Takes the application's writes. Two at once is a split brain. */
    PRIMARY,
    /** Applies what the primary replicates to it; takes no application writes. */
    REPLICA,
    /** Refuses the application's writes under a fencing epoch. */
    FENCED
}
