package io.mrm.simulation.check;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import java.util.ArrayList;
import java.util.List;

/**
 * The safety rules' inputs worked out from what operators were told and what the engine published,
 * not from the core's state: whether the application is frozen (accepted freezes and unfreezes), until
 * until when the hold-down lasts (docs/architecture.md: from the moment a switch completes; an aborted switch starts
 * one only if something had moved; an acknowledgement ends it; a restore that ended a running plan starts
 * one), and when automatic failovers were decided (for the per-window cap).
 */
final class SafetyOracle {

    private final ApplicationPolicy policy;
    private final long holdDownMs;
    private boolean frozen;
    private Long holdDownUntilMs;
    private Long maybeUntilMs;
    private final List<Long> automaticFailovers = new ArrayList<>();
    private long stateLostAtMs = -1;

    SafetyOracle(ApplicationPolicy policy) {
        this.policy = policy;
        this.holdDownMs = policy.holdDown().toMillis();
    }

    boolean frozen() {
        return frozen;
    }

    void frozen(boolean frozen) {
        this.frozen = frozen;
    }

    boolean inHoldDown(long nowMs) {
        return holdDownUntilMs != null && nowMs < holdDownUntilMs;
    }

    Long holdDownUntil() {
        return holdDownUntilMs;
    }

    /** Perhaps in hold-down (then a missing automatic decision is not held against the engine). */
    boolean maybeInHoldDown(long nowMs) {
        return inHoldDown(nowMs) || (maybeUntilMs != null && nowMs < maybeUntilMs);
    }

    /** A plan completed, or a restore ended one that ran: the hold-down runs from now. */
    void switchCompleted(long nowMs) {
        holdDownUntilMs = nowMs + holdDownMs;
    }

    /**
     * An abort starts a hold-down only "if something had moved", which is the core's own reading of which
     * steps took effect: from now on the oracle cannot say for sure, so only a missing decision is excused.
     */
    void switchAborted(long nowMs) {
        maybeUntilMs = nowMs + holdDownMs;
    }

    void holdDownAcknowledged() {
        holdDownUntilMs = null;
        maybeUntilMs = null;
    }

    /** An executing automatic failover (decided by the engine, or an approved automatic proposal). */
    void decided(FailoverDecision d, long nowMs) {
        if (d.kind() == DecisionKind.AUTOMATIC_FAILOVER && d.status() == DecisionStatus.EXECUTING) {
            automaticFailovers.add(nowMs);
        }
    }

    int automaticFailoversInWindow(long nowMs) {
        long since = nowMs - policy.failoverWindow().toMillis();
        int n = 0;
        for (long t : automaticFailovers) {
            if (t > since) {
                n++;
            }
        }
        return n;
    }

    /** The engine lost its state (and restored it from its topology, or was reset). */
    void stateLost(long nowMs) {
        stateLostAtMs = nowMs;
    }

    /**
     * Why the engine may not know of the failovers in the window: it lost its state after the first of
     * them (the topology it restores from carries no failover history). Null when it did not.
     */
    String forgotten(long nowMs) {
        long since = nowMs - policy.failoverWindow().toMillis();
        long first = automaticFailovers.stream()
                .filter(t -> t > since)
                .min(Long::compare)
                .orElse(Long.MAX_VALUE);
        return stateLostAtMs > first
                ? "the engine lost its state at " + io.mrm.simulation.run.Trace.clock(stateLostAtMs)
                        + ", after the first of them"
                : null;
    }

    /**
     * A reset lost the engine's memory of everything, topology included: it starts unfrozen, with no
     * hold-down and no failover history.
     */
    void reset() {
        frozen = false;
        holdDownUntilMs = null;
        maybeUntilMs = null;
        automaticFailovers.clear();
    }
}
