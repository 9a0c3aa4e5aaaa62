package io.mrm.simulation.check;

/** Interesting things a run did: the test asks that each happens in enough seeds, or the checks prove little. */
public enum Coverage {
    AUTOMATIC_FAILOVER,
    AUTOMATIC_PROPOSAL,
    MANUAL_FAILOVER,
    FAILBACK,
    BREAK_GLASS,
    PLAN_COMPLETED,
    PLAN_PAUSED,
    RESUME,
    SKIP,
    ABORT,
    ABORT_DIVERGED,
    STALE_REFUSAL,
    FENCE_PENDING,
    FENCE_COMPLETED,
    SPLIT_DATA_HEALED,
    SPLIT_BROKERS_HEALED,
    PROPOSAL_APPROVED,
    PROPOSAL_REJECTED,
    PROPOSAL_EXPIRED,
    PROPOSAL_WITHDRAWN,
    PROPOSAL_SUPERSEDED,
    OUTAGE_DURING_PROPOSAL,
    OUTAGE_WHILE_DIVERGED,
    SELF_APPROVAL_REFUSED,
    SAFETY_RULE_BLOCKED,
    HOLD_DOWN_BLOCKED,
    BOTH_REGIONS_DOWN,
    BLIND,
    QUORUM_LOST,
    CLOCK_SKEW_REFUSED,
    UNKNOWN_SOURCE_REFUSED,
    SIGNED_REQUEST_REFUSED,
    STATE_KEPT_ACROSS_CRASH,
    RESTORE_FROM_TOPOLOGY,
    RESET,
    DNS_ROUTE_CHECKED,
    GRACEFUL_PROMOTE_CHECKED,
    /** An automatic failover that tried the graceful path first sent a graceful promote (after its drain). */
    DRAINED_FAILOVER_PROMOTE_CHECKED,
    /** An automatic failover's graceful try gave up and the plan went on forced. */
    FAILOVER_FELL_BACK,
    /** An automatic failover completed on the graceful path. */
    FAILOVER_DRAINED,
    BREAK_GLASS_EXCLUDED
}
