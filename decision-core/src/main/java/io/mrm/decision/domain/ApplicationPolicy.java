package io.mrm.decision.domain;

import io.mrm.events.decision.StepAction;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Set;

/**
 * How the engine treats one application. Validated where it is built (see the config package).
 *
 * @param applicationId         the application
 * @param primaryRegion         where it runs normally
 * @param standbyRegion         where it fails over to
 * @param healthComponents      components whose failure makes a region DOWN (e.g. {@code app})
 * @param alertComponents       components whose failure only raises an alert (e.g. {@code hana})
 * @param quorum                vantage points that must agree before a region counts as DOWN (or UP)
 * @param failureThreshold      consecutive failures one vantage point must see to call a component down
 * @param recoveryThreshold     consecutive successes it must then see to call it up again (hysteresis)
 * @param staleAfter            an observation older than this counts as unknown, never as up
 * @param mode                  AUTOMATIC executes decisions; MANUAL proposes them for approval
 * @param holdDown              no automatic failover for this long after one (an operator can end it early)
 * @param maxFailoversPerWindow automatic failovers allowed per {@code failoverWindow}
 * @param failoverWindow        the window of that rule
 * @param plan                  the graceful switch plan (FORCED mode drops the steps that need the old region)
 * @param reprotectPlan         steps that restore replication towards the old region, run first on failback
 * @param stepTimeout           how long one step attempt may take before it counts as failed
 * @param stepMaxAttempts       attempts per step before the plan pauses
 * @param retryBackoff          pause before the second attempt; doubles with each further attempt
 * @param parallelSteps         actions that run together with the step before them in a plan
 * @param twoPersonRule         a manual failover or failback is only proposed, and executes once
 *                              approved by a second operator with the approver role; nobody approves
 *                              their own request
 * @param vantages              the vantage points (monitor instances) that watch this application;
 *                              observations from any other are refused. Empty only in policies recorded
 *                              before vantages were declared (then any vantage is taken)
 * @param maxObservationSkew    an observation stamped further ahead of the engine's clock than this is
 *                              refused and its monitor alerted; nearer ones count from the engine's time
 * @param proposalTimeout       a proposal nobody approved or rejected within this expires, with an alert
 * @param fenceTimeout          how long the best-effort fence of the region a forced failover leaves may
 *                              take (one attempt; it never holds the plan up)
 * @param fenceRetryInterval    how often a fence that has not succeeded yet is tried again
 * @param failoverDrainWithin   an automatic failover first tries the graceful path (the region it leaves
 *                              demoted, drained and fenced, a graceful promote) for at most this long, and
 *                              falls back to forced when that cannot complete in time; zero: forced at once
 *                              (what every policy recorded before this setting meant)
 * @param degradedNotATarget    components (health or alert) whose DEGRADED — seen by a quorum of fresh
 *                              vantage points — makes a region no failover target (e.g. {@code hana}: a
 *                              standby whose replication is far behind): automatic failover and manual
 *                              switches into it are blocked by STANDBY_HEALTHY (a manual one may override it)
 * @param maxAlertWitnesses     how many alert webhooks (Alertmanager, Azure Monitor) may count towards the
 *                              quorum that calls a region down, together (default 1: one webhook credential is
 *                              never a quorum by itself); 0: alerts are never witnesses
 * @param failoverDrainMaxBacklogBytes the largest backlog, in bytes, an automatic failover's graceful try
 *                              drains: its drain command carries the bound, and a standby further behind than
 *                              this at the start of the drain is refused at once, so the plan falls back to
 *                              forced without waiting out {@code failoverDrainWithin}; null: no bound (what
 *                              every policy recorded before this setting meant). Operator-requested switches
 *                              are not bounded
 * @param readiness             how the actuators' readiness reports bear on switches; null: the defaults
 * @param steps                 the graceful plan step by step (hooks, per-step timeouts and attempts, parallel
 *                              groups); null: {@code plan} with {@code parallelSteps} and the policy's step
 *                              settings. When given, {@code plan} is its actions
 * @param forcedSteps           the plan of a FORCED switch (the region left may be down); null: the graceful
 *                              plan without the steps that need the region left (an automatic failover that
 *                              tries the graceful path first and falls back skips those steps the same way)
 */
public record ApplicationPolicy(
        String applicationId,
        String primaryRegion,
        String standbyRegion,
        Set<String> healthComponents,
        Set<String> alertComponents,
        int quorum,
        int failureThreshold,
        int recoveryThreshold,
        Duration staleAfter,
        DecisionMode mode,
        Duration holdDown,
        int maxFailoversPerWindow,
        Duration failoverWindow,
        List<StepAction> plan,
        List<StepAction> reprotectPlan,
        Duration stepTimeout,
        int stepMaxAttempts,
        Duration retryBackoff,
        Set<StepAction> parallelSteps,
        boolean twoPersonRule,
        Set<String> vantages,
        Duration maxObservationSkew,
        Duration proposalTimeout,
        Duration fenceTimeout,
        Duration fenceRetryInterval,
        Duration failoverDrainWithin,
        Set<String> degradedNotATarget,
        int maxAlertWitnesses,
        Long failoverDrainMaxBacklogBytes,
        ReadinessPolicy readiness,
        List<StepSpec> steps,
        List<StepSpec> forcedSteps) {

    /** The default graceful switchover of ARCHITECTURE.md. */
    public static final List<StepAction> DEFAULT_PLAN = List.of(
            StepAction.EVENTS_SET_STANDBY,
            StepAction.DATA_DRAIN,
            StepAction.DATA_PROMOTE,
            StepAction.EVENTS_SET_ACTIVE,
            StepAction.DNS_ROUTE,
            StepAction.DNS_VERIFY);

    public static final List<StepAction> DEFAULT_REPROTECT_PLAN = List.of(StepAction.DATA_REPROTECT);
    public static final Duration DEFAULT_MAX_OBSERVATION_SKEW = Duration.ofSeconds(5);
    public static final Duration DEFAULT_PROPOSAL_TIMEOUT = Duration.ofMinutes(30);
    public static final Duration DEFAULT_FENCE_TIMEOUT = Duration.ofSeconds(10);
    public static final Duration DEFAULT_FENCE_RETRY_INTERVAL = Duration.ofSeconds(30);
    public static final Duration DEFAULT_FAILOVER_DRAIN_WITHIN = Duration.ofSeconds(30);
    public static final int DEFAULT_MAX_ALERT_WITNESSES = 1;

    public ApplicationPolicy {
        healthComponents = Set.copyOf(healthComponents);
        alertComponents = Set.copyOf(alertComponents);
        plan = List.copyOf(plan);
        reprotectPlan = List.copyOf(reprotectPlan);
        parallelSteps = Set.copyOf(parallelSteps);
        vantages = vantages == null ? Set.of() : Set.copyOf(vantages);
        maxObservationSkew = maxObservationSkew == null ? DEFAULT_MAX_OBSERVATION_SKEW : maxObservationSkew;
        proposalTimeout = proposalTimeout == null ? DEFAULT_PROPOSAL_TIMEOUT : proposalTimeout;
        fenceTimeout = fenceTimeout == null ? DEFAULT_FENCE_TIMEOUT : fenceTimeout;
        fenceRetryInterval = fenceRetryInterval == null ? DEFAULT_FENCE_RETRY_INTERVAL : fenceRetryInterval;
        failoverDrainWithin = failoverDrainWithin == null ? Duration.ZERO : failoverDrainWithin;
        degradedNotATarget = degradedNotATarget == null ? Set.of() : Set.copyOf(degradedNotATarget);
        if (maxAlertWitnesses < 0) {
            throw new IllegalArgumentException("max-alert-witnesses must not be negative");
        }
        if (failoverDrainWithin.isNegative()) {
            throw new IllegalArgumentException("failover-drain-within must not be negative");
        }
        if (failoverDrainMaxBacklogBytes != null && failoverDrainMaxBacklogBytes < 1) {
            throw new IllegalArgumentException("failover-drain-max-backlog must be positive");
        }
        readiness = readiness == null ? ReadinessPolicy.DEFAULTS : readiness;
        if (steps == null) {
            if (plan.stream().anyMatch(StepAction::runsHook)) {
                throw new IllegalArgumentException("plan: a hook step needs the name of its hook; give the plan as "
                        + "steps (action: " + StepAction.HOOK + ", hook: NAME)");
            }
            steps = StepSpec.of(plan, parallelSteps);
        } else {
            steps = List.copyOf(steps);
            plan = StepSpec.actions(steps);
        }
        StepSpec.check("plan", steps, false);
        if (forcedSteps != null) {
            forcedSteps = List.copyOf(forcedSteps);
            StepSpec.check("forced-plan", forcedSteps, true);
        }
        if (reprotectPlan.stream().anyMatch(StepAction::runsHook)) {
            throw new IllegalArgumentException(
                    "reprotect-plan: hooks belong in the plan (a failback runs the plan " + "after re-protecting)");
        }
    }

    /**
     * The rules that tie a policy's settings together, for every reader of policies (the engine's
     * configuration, backtest policy files). Absent values are left to those readers' own checks.
     *
     * @param at where the policy was read, e.g. {@code mrm.decision.applications[orders]}: every message starts with it
     * @throws IllegalArgumentException naming the first rule broken
     */
    public static void checkConsistent(
            String at,
            String primaryRegion,
            String standbyRegion,
            Collection<String> healthComponents,
            Collection<String> alertComponents,
            Duration staleAfter,
            List<StepAction> plan,
            Collection<StepAction> parallelSteps,
            Collection<String> vantages,
            int quorum) {
        if (vantages != null && !vantages.isEmpty() && vantages.size() < quorum) {
            throw new IllegalArgumentException(
                    at + ": quorum " + quorum + " needs at least " + quorum + " vantages, but only " + vantages.size()
                            + " are declared " + vantages.stream().sorted().toList());
        }
        if (plan != null && plan.contains(StepAction.DATA_FENCE)) {
            throw new IllegalArgumentException(at + ".plan: DATA_FENCE is not a plan step of its own: a forced "
                    + "failover adds it (best-effort) to fence the region it leaves");
        }
        if (primaryRegion != null && primaryRegion.equals(standbyRegion)) {
            throw new IllegalArgumentException(
                    at + ": primary-region and standby-region must differ, both are '" + primaryRegion + "'");
        }
        if (plan != null && !plan.isEmpty() && parallelSteps != null && parallelSteps.contains(plan.get(0))) {
            throw new IllegalArgumentException(at + ".parallel-steps: " + plan.get(0)
                    + " is the plan's first step; it has no step before it to run with");
        }
        if (healthComponents != null
                && alertComponents != null
                && alertComponents.stream().anyMatch(healthComponents::contains)) {
            throw new IllegalArgumentException(
                    at + ": a component cannot be both in health-components and " + "alert-components");
        }
        if (staleAfter != null && (staleAfter.isNegative() || staleAfter.isZero())) {
            throw new IllegalArgumentException(at + ".stale-after must be positive");
        }
    }

    /** This policy with the two-person rule on or off. */
    public ApplicationPolicy withTwoPersonRule(boolean on) {
        Copy c = new Copy(this);
        c.twoPersonRule = on;
        return c.build();
    }

    /** This policy with other declared vantages. */
    public ApplicationPolicy withVantages(Set<String> declared) {
        Copy c = new Copy(this);
        c.vantages = declared;
        return c.build();
    }

    /** This policy with another proposal timeout. */
    public ApplicationPolicy withProposalTimeout(Duration timeout) {
        Copy c = new Copy(this);
        c.proposalTimeout = timeout;
        return c.build();
    }

    /** This policy with another bound on an automatic failover's graceful first try (zero: none). */
    public ApplicationPolicy withFailoverDrainWithin(Duration within) {
        Copy c = new Copy(this);
        c.failoverDrainWithin = within;
        return c.build();
    }

    /** This policy with another bound on the backlog an automatic failover's graceful try drains (null: none). */
    public ApplicationPolicy withFailoverDrainMaxBacklogBytes(Long bytes) {
        Copy c = new Copy(this);
        c.failoverDrainMaxBacklogBytes = bytes;
        return c.build();
    }

    /** This policy with another cap on the alert webhooks that count towards a quorum. */
    public ApplicationPolicy withMaxAlertWitnesses(int witnesses) {
        Copy c = new Copy(this);
        c.maxAlertWitnesses = witnesses;
        return c.build();
    }

    /** This policy with another readiness rule. */
    public ApplicationPolicy withReadiness(ReadinessPolicy rule) {
        Copy c = new Copy(this);
        c.readiness = rule;
        return c.build();
    }

    /** This policy with another plan, step by step, and another forced variant (null: derived from the plan). */
    public ApplicationPolicy withSteps(List<StepSpec> graceful, List<StepSpec> forced) {
        Copy c = new Copy(this);
        c.steps = graceful;
        c.forcedSteps = forced;
        return c.build();
    }

    /** The steps a switch in this mode runs (before the engine adds fences and hoists pre-flight hooks). */
    public List<StepSpec> stepsFor(boolean forced) {
        return forced && forcedSteps != null ? forcedSteps : steps;
    }

    /** This policy with other alert-only components. */
    public ApplicationPolicy withAlertComponents(Set<String> components) {
        Copy c = new Copy(this);
        c.alertComponents = components;
        return c.build();
    }

    /** This policy with other components whose DEGRADED keeps a region from being a failover target. */
    public ApplicationPolicy withDegradedNotATarget(Set<String> components) {
        Copy c = new Copy(this);
        c.degradedNotATarget = components;
        return c.build();
    }

    /** The settings the {@code with…} methods change, copied from a policy; the rest are kept as they are. */
    private static final class Copy {
        private final ApplicationPolicy p;
        Set<String> alertComponents;
        boolean twoPersonRule;
        Set<String> vantages;
        Duration proposalTimeout;
        Duration failoverDrainWithin;
        Set<String> degradedNotATarget;
        int maxAlertWitnesses;
        Long failoverDrainMaxBacklogBytes;
        ReadinessPolicy readiness;
        List<StepSpec> steps;
        List<StepSpec> forcedSteps;

        Copy(ApplicationPolicy p) {
            this.p = p;
            alertComponents = p.alertComponents;
            twoPersonRule = p.twoPersonRule;
            vantages = p.vantages;
            proposalTimeout = p.proposalTimeout;
            failoverDrainWithin = p.failoverDrainWithin;
            degradedNotATarget = p.degradedNotATarget;
            maxAlertWitnesses = p.maxAlertWitnesses;
            failoverDrainMaxBacklogBytes = p.failoverDrainMaxBacklogBytes;
            readiness = p.readiness;
            steps = p.steps;
            forcedSteps = p.forcedSteps;
        }

        ApplicationPolicy build() {
            return new ApplicationPolicy(
                    p.applicationId,
                    p.primaryRegion,
                    p.standbyRegion,
                    p.healthComponents,
                    alertComponents,
                    p.quorum,
                    p.failureThreshold,
                    p.recoveryThreshold,
                    p.staleAfter,
                    p.mode,
                    p.holdDown,
                    p.maxFailoversPerWindow,
                    p.failoverWindow,
                    p.plan,
                    p.reprotectPlan,
                    p.stepTimeout,
                    p.stepMaxAttempts,
                    p.retryBackoff,
                    p.parallelSteps,
                    twoPersonRule,
                    vantages,
                    p.maxObservationSkew,
                    proposalTimeout,
                    p.fenceTimeout,
                    p.fenceRetryInterval,
                    failoverDrainWithin,
                    degradedNotATarget,
                    maxAlertWitnesses,
                    failoverDrainMaxBacklogBytes,
                    readiness,
                    steps,
                    forcedSteps);
        }
    }

    /** A policy with the defaults for everything but the regions; for tests and examples. */
    public static ApplicationPolicy defaults(String applicationId, String primaryRegion, String standbyRegion) {
        return new ApplicationPolicy(
                applicationId,
                primaryRegion,
                standbyRegion,
                Set.of("app"),
                Set.of(),
                2,
                3,
                3,
                Duration.ofSeconds(30),
                DecisionMode.AUTOMATIC,
                Duration.ofHours(1),
                2,
                Duration.ofHours(24),
                DEFAULT_PLAN,
                DEFAULT_REPROTECT_PLAN,
                Duration.ofSeconds(60),
                3,
                Duration.ofSeconds(2),
                Set.of(),
                false,
                DEFAULT_VANTAGES,
                DEFAULT_MAX_OBSERVATION_SKEW,
                DEFAULT_PROPOSAL_TIMEOUT,
                DEFAULT_FENCE_TIMEOUT,
                DEFAULT_FENCE_RETRY_INTERVAL,
                DEFAULT_FAILOVER_DRAIN_WITHIN,
                java.util.Set.of(),
                DEFAULT_MAX_ALERT_WITNESSES,
                null,
                null,
                null,
                null);
    }

    /** The vantages of {@link #defaults}: three monitors, of which the default quorum of two must agree. */
    public static final Set<String> DEFAULT_VANTAGES = Set.of("vantage-1", "vantage-2", "vantage-3");

    /** Whether observations from this vantage are taken: it is declared (or none are, in an old policy). */
    public boolean declaresVantage(String vantage) {
        return vantages.isEmpty() || vantages.contains(vantage);
    }

    /** Whether observations of this component mean anything: a health or an alert component. */
    public boolean declaresComponent(String component) {
        return healthComponents.contains(component) || alertComponents.contains(component);
    }

    /** The other of the two regions. */
    public String otherRegion(String region) {
        return primaryRegion.equals(region) ? standbyRegion : primaryRegion;
    }

    public boolean hasRegion(String region) {
        return primaryRegion.equals(region) || standbyRegion.equals(region);
    }
}
