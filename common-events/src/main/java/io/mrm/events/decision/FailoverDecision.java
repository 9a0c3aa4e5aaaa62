package io.mrm.events.decision;

import io.mrm.events.Require;
import io.mrm.events.operator.FailoverMode;
import io.mrm.events.operator.SafetyRule;
import java.time.Instant;
import java.util.List;

/**
 * A decision to switch an application from one region to another, with why and how.
 *
 * @param epoch          the application's new epoch; every command of the plan carries it
 * @param requestedBy    {@code engine} for automatic decisions, else the operator's id
 * @param requestId      the operator request that caused it, if any
 * @param overriddenRules safety rules an operator overrode (break-glass)
 * @param evidence       the observations that triggered it
 * @param plan           the ordered steps
 * @param drainWithinMs  set on an automatic failover that tries the graceful path first: the steps that
 *                       need the region being left (its broker demoted and drained, its database fenced and
 *                       drained) and a graceful promote must succeed within this many ms of the decision,
 *                       else the plan falls back to FORCED ({@code mode}), skipping what is left of them;
 *                       absent: the plan runs in {@code mode} from the start
 */
public record FailoverDecision(
        String id,
        String applicationId,
        Instant time,
        int schemaVersion,
        long epoch,
        DecisionKind kind,
        FailoverMode mode,
        DecisionStatus status,
        String fromRegion,
        String toRegion,
        String reason,
        String requestedBy,
        String requestId,
        List<SafetyRule> overriddenRules,
        List<Evidence> evidence,
        List<PlanStep> plan,
        Long drainWithinMs)
        implements DecisionEvent {

    public static final int SCHEMA_VERSION = 1;
    public static final String ENGINE = "engine";

    public FailoverDecision {
        Require.common(id, applicationId, time, schemaVersion);
        Require.atLeast("epoch", epoch, 1);
        Require.present("kind", kind);
        Require.present("mode", mode);
        Require.present("status", status);
        Require.name("fromRegion", fromRegion);
        Require.name("toRegion", toRegion);
        if (fromRegion.equals(toRegion)) {
            throw new IllegalArgumentException("fromRegion and toRegion must differ, both are " + toRegion);
        }
        Require.text("reason", reason);
        Require.operator("requestedBy", requestedBy);
        Require.optionalId("requestId", requestId);
        overriddenRules = Require.list("overriddenRules", overriddenRules);
        evidence = Require.list("evidence", evidence);
        plan = Require.list("plan", plan);
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("plan must have at least one step");
        }
        for (int i = 0; i < plan.size(); i++) {
            if (plan.get(i).index() != i) {
                throw new IllegalArgumentException("plan[" + i + "].index must be " + i);
            }
        }
        if (drainWithinMs != null) {
            Require.atLeast("drainWithinMs", drainWithinMs, 1);
            if (mode != FailoverMode.FORCED) {
                throw new IllegalArgumentException(
                        "drainWithinMs is the bound of a FORCED plan's graceful first " + "try; mode is " + mode);
            }
        }
    }

    /** A decision whose plan runs in {@code mode} from the start (no graceful first try). */
    public FailoverDecision(
            String id,
            String applicationId,
            Instant time,
            int schemaVersion,
            long epoch,
            DecisionKind kind,
            FailoverMode mode,
            DecisionStatus status,
            String fromRegion,
            String toRegion,
            String reason,
            String requestedBy,
            String requestId,
            List<SafetyRule> overriddenRules,
            List<Evidence> evidence,
            List<PlanStep> plan) {
        this(
                id,
                applicationId,
                time,
                schemaVersion,
                epoch,
                kind,
                mode,
                status,
                fromRegion,
                toRegion,
                reason,
                requestedBy,
                requestId,
                overriddenRules,
                evidence,
                plan,
                null);
    }

    /** Whether the plan tries the graceful path first, falling back to forced after {@code drainWithinMs}. */
    public boolean drainsFirst() {
        return drainWithinMs != null;
    }
}
