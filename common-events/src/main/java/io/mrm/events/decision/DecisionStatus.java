package io.mrm.events.decision;

/** EXECUTING: the plan starts now. PROPOSED: waits for an operator's approval (mode MANUAL). */
public enum DecisionStatus {
    EXECUTING,
    PROPOSED
}
