package io.mrm.decision.domain;

/**
 * What an operator may ask of the engine. Roles add up: an approver who should also fail over
 * needs both OPERATOR and APPROVER.
 */
public enum OperatorRole {
    /** Reads status and audits; every request from a viewer alone is refused. */
    VIEWER,
    /** Failover, failback, freeze, unfreeze, ack-hold-down, resume, skip, abort, reject a proposal. */
    OPERATOR,
    /** Approve (or reject) a proposed decision. */
    APPROVER
}
