package io.mrm.decision.config;

import io.mrm.decision.domain.ApplicationPolicy;
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
 * @param commitInterval Kafka Streams commit interval under exactly-once: the latency of every
 *                       decision includes about half of it (see README, "Latency")
 * @param stateDir       Kafka Streams state directory; empty means a folder under java.io.tmpdir
 * @param applications   one policy per application
 */
@Validated
@ConfigurationProperties("mrm.decision")
public record DecisionEngineProperties(
        @NotNull @DefaultValue("100ms") Duration commitInterval,
        String stateDir,
        @NotEmpty @Valid List<Application> applications) {

    private static final String NAME = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";

    /**
     * One application's policy.
     *
     * @param id               application id, the key of every record about it
     * @param primaryRegion    the region it normally runs in
     * @param standbyRegion    the region it fails over to
     * @param healthComponents components whose failure makes a region down
     * @param quorum           vantage points that must agree a component fails
     * @param failureThreshold consecutive failures a vantage point must see
     * @param plan             switch plan actions in order (default: the graceful switchover)
     * @param stepTimeout      how long one step attempt may take
     * @param stepMaxAttempts  attempts per step before the plan pauses
     */
    public record Application(
            @NotNull @Pattern(regexp = NAME) String id,
            @NotNull @Pattern(regexp = NAME) String primaryRegion,
            @NotNull @Pattern(regexp = NAME) String standbyRegion,
            @DefaultValue("app") @NotEmpty List<@Pattern(regexp = NAME) String> healthComponents,
            @DefaultValue("2") @Min(1) @Max(100) int quorum,
            @DefaultValue("3") @Min(1) @Max(100) int failureThreshold,
            List<StepAction> plan,
            @NotNull @DefaultValue("60s") Duration stepTimeout,
            @DefaultValue("3") @Min(1) @Max(20) int stepMaxAttempts) {

        public Application {
            if (primaryRegion != null && primaryRegion.equals(standbyRegion)) {
                throw new IllegalArgumentException("mrm.decision.applications[" + id
                        + "]: primary-region and standby-region must differ, both are '" + primaryRegion + "'");
            }
            if (plan == null || plan.isEmpty()) {
                plan = ApplicationPolicy.DEFAULT_PLAN;
            }
        }

        ApplicationPolicy toPolicy() {
            return new ApplicationPolicy(id, primaryRegion, standbyRegion, Set.copyOf(healthComponents), quorum,
                    failureThreshold, plan, stepTimeout, stepMaxAttempts);
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
