package io.mrm.simulation.actors;

/** What the checks hear from the engine host. */
public interface EngineListener {

    /** After every step of the core, before its outputs are published. */
    void afterStep(CoreStep step);

    /** The engine stopped; {@code fate} says what became of the application's state. */
    void stopped(long nowMs, EngineHost.Fate fate);

    /** The engine runs again (before any backlog is processed). */
    void started(long nowMs);

    /** A state did not come back equal from the engine's store serialization. */
    void roundTripDiffers(long nowMs, String detail);
}
