package io.mrm.decision.domain;

import io.mrm.events.decision.AlertSeverity;

/**
 * Every alert the decision core raises, with its severity. The code is what {@code Alert.code}
 * carries on the topic: operators' alert rules match it, so a code never changes meaning.
 */
public enum AlertCode {
    // ---- what the monitors tell
    /** No vantage point has reported for {@code stale-after}: no failover on silence. */
    BLIND(AlertSeverity.CRITICAL),
    /** Vantage points report again after {@link #BLIND}. */
    SIGHT_RESTORED(AlertSeverity.INFO),
    /** Fewer fresh vantage points than the quorum watch a region: no automatic failover can be decided. */
    QUORUM_LOST(AlertSeverity.CRITICAL),
    /** A quorum watches the region again. */
    QUORUM_RESTORED(AlertSeverity.INFO),
    /** A monitor stamps its observations ahead of the engine's clock by more than the allowed skew. */
    MONITOR_CLOCK_SKEW(AlertSeverity.WARNING),
    /** A record arrived on another partition than its key's: its producer partitions unlike Kafka's Java client. */
    WRONG_PARTITION(AlertSeverity.CRITICAL),
    /**
     * An acknowledgement or observation without a valid signature of the actuator or vantage point it
     * names was refused: forged, or written by a service without the right key.
     */
    UNAUTHENTICATED_RECORD(AlertSeverity.CRITICAL),
    /** An observation from an undeclared vantage, region or component was refused. */
    UNKNOWN_SOURCE(AlertSeverity.WARNING),
    /** An alert-only component is down in a region. */
    COMPONENT_DOWN(AlertSeverity.WARNING),
    /** A component answers but not as it should (DEGRADED, seen by a quorum); names whether that blocks failover. */
    COMPONENT_DEGRADED(AlertSeverity.WARNING),

    // ---- automatic decisions
    /** The active region is down and a safety rule blocks the automatic failover. */
    SAFETY_RULE_BLOCKED(AlertSeverity.CRITICAL),
    /**
     * The active region is down but the standby is not ready: an actuator's read-only check of a step on it
     * says it would fail (or could not tell, with {@code readiness.unknown-blocks}); names the checks. The
     * failover is decided as soon as the standby is ready while the outage lasts.
     */
    TARGET_NOT_READY(AlertSeverity.CRITICAL),
    /** Both regions are down: failing safe, not switching. */
    BOTH_REGIONS_DOWN(AlertSeverity.CRITICAL),
    /** An automatic proposal is withdrawn because the active region is up again. */
    PROPOSAL_WITHDRAWN(AlertSeverity.INFO),
    /** A proposal nobody decided on within {@code proposal-timeout} expired. */
    PROPOSAL_EXPIRED(AlertSeverity.WARNING),
    /** An outage of the active region superseded an operator's pending proposal with an automatic failover. */
    PROPOSAL_SUPERSEDED(AlertSeverity.WARNING),
    /** The active region is down while an operator's proposal waits (mode MANUAL): someone must decide. */
    OUTAGE_DURING_PROPOSAL(AlertSeverity.CRITICAL),

    // ---- plans
    /** A step failed for good: the plan waits for resume, skip or abort. */
    PLAN_PAUSED(AlertSeverity.CRITICAL),
    /** An automatic failover's graceful try could not complete within its bound: the plan goes on forced. */
    FAILOVER_FELL_BACK(AlertSeverity.WARNING),
    /** A failover completed on the graceful path: the region left was drained and fenced; what it left behind. */
    FAILOVER_DRAINED(AlertSeverity.INFO),
    /** A failover completed on the forced path: what the region left was measured to have left behind, if anything. */
    FAILOVER_FORCED(AlertSeverity.WARNING),
    /** An actuator refused a command as stale: it holds a higher epoch; resume re-issues above it. */
    STALE_EPOCH(AlertSeverity.CRITICAL),
    /**
     * A pre-flight hook vetoed the switch (its reason in the text): the plan stopped before anything changed,
     * and no automatic failover is tried again for this outage. An operator can switch with the break-glass
     * override PREFLIGHT_VETO.
     */
    PREFLIGHT_VETOED(AlertSeverity.CRITICAL),
    /** A pre-flight hook vetoed a switch that overrides PREFLIGHT_VETO (break-glass): recorded, and the plan goes on. */
    PREFLIGHT_VETO_OVERRIDDEN(AlertSeverity.WARNING),
    /**
     * A pre-flight hook gave no answer (every attempt failed or timed out): the switch goes on without its word,
     * since a hook that cannot be reached (it may live in the region that failed) must not hold a failover up.
     */
    PREFLIGHT_HOOK_UNANSWERED(AlertSeverity.WARNING),
    /**
     * A pre-flight hook vetoed after its last attempt's deadline, once the switch had gone on without its word and
     * had changed something: the switch is not stopped half-way; an operator decides.
     */
    PREFLIGHT_VETO_LATE(AlertSeverity.CRITICAL),
    /** A plan was aborted (and fenced with a new epoch). */
    PLAN_ABORTED(AlertSeverity.WARNING),
    /** A plan was resumed under a new epoch. */
    PLAN_RESUMED(AlertSeverity.INFO),
    /** The active region is down while a plan is paused: an operator must resume, skip or abort it. */
    OUTAGE_WHILE_PAUSED(AlertSeverity.CRITICAL),
    /** The components are in different regions (an aborted plan, or a state restored mid-plan). */
    DIVERGED(AlertSeverity.CRITICAL),
    /** The components are in one region again. */
    CONVERGED(AlertSeverity.INFO),
    /** The region serving traffic is down while the components are diverged: an operator must act. */
    OUTAGE_WHILE_DIVERGED(AlertSeverity.CRITICAL),
    /** A forced failover could not fence the region it left; the fence stays a duty. */
    FENCE_PENDING(AlertSeverity.WARNING),
    /** A pending fence succeeded. */
    FENCE_COMPLETED(AlertSeverity.INFO),
    /** A pending fence was dropped: its region holds that role again (or is no longer the application's). */
    FENCE_SUPERSEDED(AlertSeverity.INFO),
    /** An ack claimed a fence epoch too far above any this engine issued; it was not believed. */
    IMPLAUSIBLE_FENCE_EPOCH(AlertSeverity.CRITICAL),
    /** The engine's state was rebuilt from the last published topology. */
    STATE_RESTORED(AlertSeverity.WARNING),

    // ---- operator requests refused before they were considered
    REQUEST_UNSIGNED(AlertSeverity.CRITICAL),
    REQUEST_FORGED(AlertSeverity.CRITICAL),
    /** Signed for another Kafka cluster (another environment), or in the first form, which names none. */
    REQUEST_WRONG_ENVIRONMENT(AlertSeverity.CRITICAL),
    REQUEST_EXPIRED(AlertSeverity.CRITICAL),
    REQUEST_REPLAYED(AlertSeverity.CRITICAL),
    REQUEST_FLOOD(AlertSeverity.CRITICAL),
    REQUEST_NOT_PERMITTED(AlertSeverity.CRITICAL),
    /** A drill ran every step and each would have succeeded; carries the predicted RTO. */
    DRILL_COMPLETED(AlertSeverity.INFO),
    /** A drill ran every step and some would have failed (each named with its reason); carries the predicted RTO. */
    DRILL_FAILED(AlertSeverity.WARNING),
    /** A drill ended without a result: a real decision superseded it, or an operator withdrew or aborted it. */
    DRILL_CANCELLED(AlertSeverity.WARNING);

    private final AlertSeverity severity;

    AlertCode(AlertSeverity severity) {
        this.severity = severity;
    }

    public AlertSeverity severity() {
        return severity;
    }
}
