package io.mrm.events.journal;

import io.mrm.events.Require;
import io.mrm.events.decision.StepAction;
import java.util.List;

/**
 * One application's policy as the journal records it: the decision core's {@code ApplicationPolicy}
 * in plain data (durations in milliseconds; sets as sorted lists).
 *
 * @param primaryRegion         where it runs normally
 * @param standbyRegion         where it fails over to
 * @param healthComponents      components whose failure makes a region down
 * @param alertComponents       components whose failure only raises an alert
 * @param quorum                vantage points that must agree
 * @param failureThreshold      consecutive failures one vantage point must see
 * @param recoveryThreshold     consecutive successes before a component counts as up again
 * @param staleAfterMs          observations older than this count as unknown
 * @param mode                  AUTOMATIC executes decisions; MANUAL proposes them
 * @param holdDownMs            no automatic failover for this long after one
 * @param maxFailoversPerWindow automatic failovers allowed per window
 * @param failoverWindowMs      that window
 * @param plan                  the switch plan's actions, in order
 * @param reprotectPlan         actions run first on failback
 * @param stepTimeoutMs         how long one step attempt may take
 * @param stepMaxAttempts       attempts per step before the plan pauses
 * @param retryBackoffMs        pause before a retry; doubles with each further attempt
 * @param parallelSteps         actions that run together with the step before them
 * @param twoPersonRule         manual switches are proposed and need a second person's approval
 * @param vantages              the declared vantage points (empty in records from before they were declared:
 *                              then any vantage is taken)
 * @param maxObservationSkewMs  how far ahead of the engine's clock an observation may be stamped
 *                              (absent in older records: the default then applied)
 * @param proposalTimeoutMs     how long a proposal waits for a decision before it expires (absent: default)
 * @param fenceTimeoutMs        how long a best-effort fence attempt may take (absent: default)
 * @param fenceRetryIntervalMs  how often a pending fence is tried again (absent: default)
 * @param failoverDrainWithinMs how long an automatic failover tries the graceful path before it falls back
 *                              to forced; 0: forced at once (absent, in records written before the setting: 0)
 * @param degradedNotATarget    components whose DEGRADED makes a region no failover target (absent: none)
 * @param maxAlertWitnesses     alert webhooks that may count towards a quorum together (absent: 1)
 * @param failoverDrainMaxBacklogBytes the largest backlog an automatic failover's graceful try drains, in bytes;
 *                              a larger one falls back to forced at once (absent: no bound)
 * @param readinessRequired      whether an automatic failover waits for a target the actuators' checks call
 *                               ready (absent, in records written before readiness: the default, true)
 * @param readinessMaxAgeMs      how old a readiness check may be before it counts as UNKNOWN (absent: default)
 * @param readinessUnknownBlocks whether an UNKNOWN target blocks an automatic failover (absent: default, false)
 * @param steps                 the plan step by step, where a step has more than its action (a hook, its own
 *                              timeout or attempts, a parallel group): then {@code plan} is its actions. Absent:
 *                              {@code plan} with {@code parallelSteps} and the policy's step settings
 * @param forcedSteps           the plan of a forced switch; absent: {@code plan} less the steps that need the
 *                              region left
 */
public record RecordedPolicy(
        String primaryRegion,
        String standbyRegion,
        List<String> healthComponents,
        List<String> alertComponents,
        int quorum,
        int failureThreshold,
        int recoveryThreshold,
        long staleAfterMs,
        Mode mode,
        long holdDownMs,
        int maxFailoversPerWindow,
        long failoverWindowMs,
        List<StepAction> plan,
        List<StepAction> reprotectPlan,
        long stepTimeoutMs,
        int stepMaxAttempts,
        long retryBackoffMs,
        List<StepAction> parallelSteps,
        boolean twoPersonRule,
        List<String> vantages,
        Long maxObservationSkewMs,
        Long proposalTimeoutMs,
        Long fenceTimeoutMs,
        Long fenceRetryIntervalMs,
        Long failoverDrainWithinMs,
        List<String> degradedNotATarget,
        Integer maxAlertWitnesses,
        Long failoverDrainMaxBacklogBytes,
        Boolean readinessRequired,
        Long readinessMaxAgeMs,
        Boolean readinessUnknownBlocks,
        List<RecordedStep> steps,
        List<RecordedStep> forcedSteps) {

    /** AUTOMATIC: the engine executes its own decisions. MANUAL: it proposes and waits for approval. */
    public enum Mode {
        AUTOMATIC,
        MANUAL
    }

    public RecordedPolicy {
        Require.name("primaryRegion", primaryRegion);
        Require.name("standbyRegion", standbyRegion);
        Require.different("standbyRegion", standbyRegion, "primaryRegion", primaryRegion);
        healthComponents = names("healthComponents", healthComponents);
        if (healthComponents.isEmpty()) {
            throw new IllegalArgumentException("healthComponents must name at least one component");
        }
        alertComponents = names("alertComponents", alertComponents);
        Require.atLeast("quorum", quorum, 1);
        Require.atLeast("failureThreshold", failureThreshold, 1);
        Require.atLeast("recoveryThreshold", recoveryThreshold, 1);
        Require.atLeast("staleAfterMs", staleAfterMs, 1L);
        Require.present("mode", mode);
        Require.atLeast("holdDownMs", holdDownMs, 0L);
        Require.atLeast("maxFailoversPerWindow", maxFailoversPerWindow, 1);
        Require.atLeast("failoverWindowMs", failoverWindowMs, 0L);
        plan = Require.list("plan", plan);
        if (plan.isEmpty()) {
            throw new IllegalArgumentException("plan must have at least one step");
        }
        reprotectPlan = Require.list("reprotectPlan", reprotectPlan);
        Require.atLeast("stepTimeoutMs", stepTimeoutMs, 1L);
        Require.atLeast("stepMaxAttempts", stepMaxAttempts, 1);
        Require.atLeast("retryBackoffMs", retryBackoffMs, 0L);
        parallelSteps = Require.list("parallelSteps", parallelSteps);
        vantages = names("vantages", vantages);
        if (maxObservationSkewMs != null) {
            Require.atLeast("maxObservationSkewMs", maxObservationSkewMs, 0L);
        }
        if (proposalTimeoutMs != null) {
            Require.atLeast("proposalTimeoutMs", proposalTimeoutMs, 1L);
        }
        if (fenceTimeoutMs != null) {
            Require.atLeast("fenceTimeoutMs", fenceTimeoutMs, 1L);
        }
        if (fenceRetryIntervalMs != null) {
            Require.atLeast("fenceRetryIntervalMs", fenceRetryIntervalMs, 1L);
        }
        if (failoverDrainWithinMs != null) {
            Require.atLeast("failoverDrainWithinMs", failoverDrainWithinMs, 0L);
        }
        degradedNotATarget = degradedNotATarget == null ? List.of() : names("degradedNotATarget", degradedNotATarget);
        if (maxAlertWitnesses != null) {
            Require.atLeast("maxAlertWitnesses", maxAlertWitnesses, 0);
        }
        if (failoverDrainMaxBacklogBytes != null) {
            Require.atLeast("failoverDrainMaxBacklogBytes", failoverDrainMaxBacklogBytes, 1L);
        }
        if (readinessMaxAgeMs != null) {
            Require.atLeast("readinessMaxAgeMs", readinessMaxAgeMs, 1L);
        }
        steps = steps == null ? null : Require.list("steps", steps);
        if (steps != null && !steps.stream().map(RecordedStep::action).toList().equals(plan)) {
            throw new IllegalArgumentException("steps must be the plan's actions in order, " + plan);
        }
        forcedSteps = forcedSteps == null ? null : Require.list("forcedSteps", forcedSteps);
    }

    private static List<String> names(String field, List<String> values) {
        List<String> list = Require.list(field, values);
        for (int i = 0; i < list.size(); i++) {
            Require.name(field + "[" + i + "]", list.get(i));
        }
        return list;
    }
}
