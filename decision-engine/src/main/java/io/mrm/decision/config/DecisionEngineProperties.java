package io.mrm.decision.config;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.events.decision.StepAction;
import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import jakarta.validation.constraints.NotEmpty;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.Pattern;
import java.time.Duration;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.validation.annotation.Validated;

/**
 * The decision engine's settings (prefix {@code mrm.decision}).
 *
 * @param commitInterval Kafka Streams commit interval under exactly-once: inputs that change only
 *                       counters are committed in batches this long
 * @param commitOnOutput commit as soon as an input or tick produced an output (a decision, a command,
 *                       an alert), instead of waiting for the interval: nobody sees an output before
 *                       its transaction commits (see README, "Latency"). Off only to study crashes.
 * @param tickInterval   how often time is applied to every application (staleness, deadlines, retries)
 * @param stateDir       Kafka Streams state directory; empty means a folder under java.io.tmpdir
 * @param applications   one policy per application
 */
@Validated
@ConfigurationProperties("mrm.decision")
public record DecisionEngineProperties(
        @NotNull @DefaultValue("100ms") Duration commitInterval,
        @DefaultValue("true") boolean commitOnOutput,
        @NotNull @DefaultValue("1s") Duration tickInterval,
        String stateDir,
        @NotEmpty @Valid List<Application> applications) {

    private static final String NAME = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

    /**
     * One application's policy. Defaults follow the figures users compare us with: three failures
     * in a row (Route 53), a quorum of two vantage points, one hour of hold-down (GitHub's
     * orchestrator), and three successes in a row before a region counts as up again.
     *
     * @param id                       application id, the key of every record about it
     * @param primaryRegion            the region it normally runs in
     * @param standbyRegion            the region it fails over to
     * @param healthComponents         components whose failure makes a region down
     * @param alertComponents          components whose failure only raises an alert
     * @param quorum                   vantage points that must agree a component fails (or works)
     * @param failureThreshold         consecutive failures a vantage point must see
     * @param recoveryThreshold        consecutive successes before a component counts as up again
     * @param staleAfter               observations older than this count as unknown
     * @param mode                     AUTOMATIC executes; MANUAL proposes and waits for approval
     * @param holdDown                 no automatic failover for this long after one
     * @param maxFailoversPerWindow    automatic failovers allowed per window
     * @param failoverWindow           that window
     * @param plan                     switch plan actions in order (default: the graceful switchover)
     * @param reprotectPlan            actions run first on failback to restore replication
     * @param stepTimeout              how long one step attempt may take
     * @param stepMaxAttempts          attempts per step before the plan pauses
     * @param retryBackoff             pause before a retry; doubles with each further attempt
     * @param parallelSteps            plan actions that run together with the step before them
     */
    public record Application(
            @NotNull @Pattern(regexp = NAME) String id,
            @NotNull @Pattern(regexp = NAME) String primaryRegion,
            @NotNull @Pattern(regexp = NAME) String standbyRegion,
            @DefaultValue("app") @NotEmpty List<@Pattern(regexp = NAME) String> healthComponents,
            List<@Pattern(regexp = NAME) String> alertComponents,
            @DefaultValue("2") @Min(1) @Max(100) int quorum,
            @DefaultValue("3") @Min(1) @Max(100) int failureThreshold,
            @DefaultValue("3") @Min(1) @Max(100) int recoveryThreshold,
            @NotNull @DefaultValue("30s") Duration staleAfter,
            @NotNull @DefaultValue("AUTOMATIC") DecisionMode mode,
            @NotNull @DefaultValue("1h") Duration holdDown,
            @DefaultValue("2") @Min(1) @Max(1000) int maxFailoversPerWindow,
            @NotNull @DefaultValue("24h") Duration failoverWindow,
            List<StepAction> plan,
            List<StepAction> reprotectPlan,
            @NotNull @DefaultValue("60s") Duration stepTimeout,
            @DefaultValue("3") @Min(1) @Max(20) int stepMaxAttempts,
            @NotNull @DefaultValue("2s") Duration retryBackoff,
            List<StepAction> parallelSteps) {

        public Application {
            if (primaryRegion != null && primaryRegion.equals(standbyRegion)) {
                throw new IllegalArgumentException("mrm.decision.applications[" + id
                        + "]: primary-region and standby-region must differ, both are '" + primaryRegion + "'");
            }
            if (plan == null || plan.isEmpty()) {
                plan = ApplicationPolicy.DEFAULT_PLAN;
            }
            if (reprotectPlan == null) {
                reprotectPlan = ApplicationPolicy.DEFAULT_REPROTECT_PLAN;
            }
            alertComponents = alertComponents == null ? List.of() : alertComponents;
            parallelSteps = parallelSteps == null ? List.of() : parallelSteps;
            if (parallelSteps.contains(plan.get(0))) {
                throw new IllegalArgumentException("mrm.decision.applications[" + id + "].parallel-steps: "
                        + plan.get(0) + " is the plan's first step; it has no step before it to run with");
            }
            if (healthComponents != null && alertComponents.stream().anyMatch(healthComponents::contains)) {
                throw new IllegalArgumentException("mrm.decision.applications[" + id
                        + "]: a component cannot be both in health-components and alert-components");
            }
            if (staleAfter != null && (staleAfter.isNegative() || staleAfter.isZero())) {
                throw new IllegalArgumentException("mrm.decision.applications[" + id
                        + "].stale-after must be positive");
            }
        }

        ApplicationPolicy toPolicy() {
            return new ApplicationPolicy(id, primaryRegion, standbyRegion, Set.copyOf(healthComponents),
                    Set.copyOf(alertComponents), quorum, failureThreshold, recoveryThreshold, staleAfter, mode, holdDown,
                    maxFailoversPerWindow, failoverWindow, plan, reprotectPlan, stepTimeout, stepMaxAttempts,
                    retryBackoff, Set.copyOf(parallelSteps));
        }
    }

    public DecisionEngineProperties {
        Set<String> seen = new HashSet<>();
        for (Application application : applications == null ? List.<Application>of() : applications) {
            if (application.id() != null && !seen.add(application.id())) {
                throw new IllegalArgumentException("mrm.decision.applications: id '" + application.id()
                        + "' appears twice");
            }
        }
    }

    public Map<String, ApplicationPolicy> policies() {
        Map<String, ApplicationPolicy> policies = new LinkedHashMap<>();
        applications.forEach(application -> policies.put(application.id(), application.toPolicy()));
        return policies;
    }
}
