package io.mrm.events.operator;

/**
 * GRACEFUL runs every step of the plan, including those that need the old region (drains,
 * demotions). FORCED skips the steps that need the old region: for when it is gone.
 */
public enum FailoverMode {
    GRACEFUL,
    FORCED
}
