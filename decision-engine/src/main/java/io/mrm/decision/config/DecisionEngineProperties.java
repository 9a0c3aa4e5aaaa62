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
import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.RequestAuthority;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;
import org.springframework.util.unit.DataSize;
import org.springframework.validation.annotation.Validated;

/**
 * The decision engine's settings (prefix {@code mrm.decision}).
 *
 * @param commitInterval Kafka Streams commit interval under exactly-once: inputs that change only
 *                       counters are committed in batches this long
 * @param commitOnOutput commit as soon as an input or tick produced an output (a decision, a command,
 *                       an alert), instead of waiting for the interval: nobody sees an output before
 *                       its transaction commits (see docs/architecture.md, "Latency"). Off only to study crashes.
 * @param tickInterval   how often time is applied to every application (staleness, deadlines, retries)
 * @param stateDir       Kafka Streams state directory; empty means a folder under java.io.tmpdir
 * @param requestSignatures how operator requests are authenticated
 * @param operators      who may send requests: id, roles, Ed25519 public key
 * @param applications   one policy per application
 */
@Validated
@ConfigurationProperties("mrm.decision")
public record DecisionEngineProperties(
        @NotNull @DefaultValue("100ms") Duration commitInterval,
        @DefaultValue("true") boolean commitOnOutput,
        @NotNull @DefaultValue("1s") Duration tickInterval,
        String stateDir,
        @DefaultValue @Valid RequestSignatures requestSignatures,
        @Valid List<OperatorEntry> operators,
        @NotEmpty @Valid List<Application> applications) {

    /**
     * @param required     refuse unsigned requests (the default). Off only on a developer's machine:
     *                     anyone who can write to the requests topic can then switch regions
     * @param maxAge       a signed request issued longer ago than this is refused as expired
     * @param maxClockSkew a signed request issued further in the future than this is refused
     */
    public record RequestSignatures(
            @DefaultValue("true") boolean required,
            @NotNull @DefaultValue("5m") Duration maxAge,
            @NotNull @DefaultValue("30s") Duration maxClockSkew) {

        public RequestSignatures {
            if (maxAge != null && (maxAge.isNegative() || maxAge.isZero())) {
                throw new IllegalArgumentException("mrm.decision.request-signatures.max-age must be positive");
            }
            if (maxClockSkew != null && maxClockSkew.isNegative()) {
                throw new IllegalArgumentException("mrm.decision.request-signatures.max-clock-skew must not be negative");
            }
        }
    }

    /**
     * One operator. Public keys are not secrets, but a key file lets them live in a mounted volume.
     *
     * @param id            the id they sign as (mrmctl --operator)
     * @param roles         viewer, operator, approver (see {@link OperatorRole})
     * @param publicKey     the Ed25519 public key: PEM, or the base64 line `mrmctl keygen` prints
     * @param publicKeyFile or a file holding it
     */
    public record OperatorEntry(
            @NotNull @Pattern(regexp = "[A-Za-z0-9][A-Za-z0-9._@+-]{0,127}") String id,
            @NotEmpty List<@NotNull OperatorRole> roles,
            String publicKey,
            String publicKeyFile) {

        Operator toOperator(int index) {
            String where = "mrm.decision.operators[" + index + "] (" + id + ")";
            boolean inline = publicKey != null && !publicKey.isBlank();
            boolean file = publicKeyFile != null && !publicKeyFile.isBlank();
            if (inline == file) {
                throw new IllegalArgumentException(where + ": set exactly one of public-key and public-key-file");
            }
            String key = publicKey;
            if (file) {
                try {
                    key = Files.readString(Path.of(publicKeyFile));
                } catch (IOException | RuntimeException e) {
                    throw new IllegalArgumentException(where + ": cannot read public-key-file " + publicKeyFile
                            + ": " + e.getMessage());
                }
            }
            try {
                return new Operator(id, Set.copyOf(roles), key);
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(where + ": " + e.getMessage());
            }
        }
    }

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
     * @param twoPersonRule            a manual failover or failback is only proposed; a second person with
     *                                 the approver role must approve it (nobody approves their own)
     * @param vantages                 the vantage points (health-monitor instances, mrm.health.vantage) that
     *                                 watch this application; observations from any other are dead-lettered
     * @param maxObservationSkew       an observation stamped further ahead of the engine's clock is
     *                                 dead-lettered and its monitor alerted
     * @param proposalTimeout          a proposal nobody approved or rejected within this expires
     * @param fenceTimeout             how long the best-effort fence of the region a forced failover leaves
     *                                 may take (it never delays the switch)
     * @param fenceRetryInterval       how often a fence that has not succeeded yet is tried again
     * @param failoverDrainWithin      an automatic failover first tries the graceful path (the region it leaves
     *                                 demoted, drained and fenced) for at most this long, then falls back to
     *                                 forced; 0s: forced at once
     * @param degradedNotATarget       components (health or alert) whose DEGRADED, seen by a quorum, makes a
     *                                 region no failover target (blocked by STANDBY_HEALTHY)
     * @param maxAlertWitnesses        alert webhooks that may count towards the quorum together (default 1: one
     *                                 webhook credential is never a quorum by itself)
     * @param failoverDrainMaxBacklog  the largest backlog an automatic failover's graceful try drains (e.g. 512MB):
     *                                 a standby further behind at the start of the drain falls back to forced at
     *                                 once; unset (the default): no bound. Operator-requested switches are not bounded
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
            List<StepAction> parallelSteps,
            @DefaultValue("false") boolean twoPersonRule,
            @NotEmpty List<@NotNull @Pattern(regexp = NAME) String> vantages,
            @NotNull @DefaultValue("5s") Duration maxObservationSkew,
            @NotNull @DefaultValue("30m") Duration proposalTimeout,
            @NotNull @DefaultValue("10s") Duration fenceTimeout,
            @NotNull @DefaultValue("30s") Duration fenceRetryInterval,
            @NotNull @DefaultValue("30s") Duration failoverDrainWithin,
            List<@Pattern(regexp = NAME) String> degradedNotATarget,
            @DefaultValue("1") @Min(0) @Max(100) int maxAlertWitnesses,
            DataSize failoverDrainMaxBacklog) {

        public Application {
            if (plan == null || plan.isEmpty()) {
                plan = ApplicationPolicy.DEFAULT_PLAN;
            }
            if (reprotectPlan == null) {
                reprotectPlan = ApplicationPolicy.DEFAULT_REPROTECT_PLAN;
            }
            alertComponents = alertComponents == null ? List.of() : alertComponents;
            parallelSteps = parallelSteps == null ? List.of() : parallelSteps;
            degradedNotATarget = degradedNotATarget == null ? List.of() : degradedNotATarget;
            for (String component : degradedNotATarget) {
                if (!healthComponents.contains(component) && !alertComponents.contains(component)) {
                    throw new IllegalArgumentException("mrm.decision.applications[" + id + "].degraded-not-a-target: '"
                            + component + "' is neither in health-components nor in alert-components");
                }
            }
            ApplicationPolicy.checkConsistent("mrm.decision.applications[" + id + "]", primaryRegion, standbyRegion,
                    healthComponents, alertComponents, staleAfter, plan, parallelSteps, vantages, quorum);
            String at = "mrm.decision.applications[" + id + "].";
            if (maxObservationSkew != null && maxObservationSkew.isNegative()) {
                throw new IllegalArgumentException(at + "max-observation-skew must not be negative");
            }
            if (failoverDrainMaxBacklog != null && failoverDrainMaxBacklog.toBytes() < 1) {
                throw new IllegalArgumentException(at + "failover-drain-max-backlog must be positive (unset: no bound)");
            }
            if (failoverDrainWithin != null && failoverDrainWithin.isNegative()) {
                throw new IllegalArgumentException(at + "failover-drain-within must not be negative (0s: forced at once)");
            }
            for (var d : java.util.Map.of("proposal-timeout", proposalTimeout == null ? Duration.ofSeconds(1)
                            : proposalTimeout, "fence-timeout", fenceTimeout == null ? Duration.ofSeconds(1)
                            : fenceTimeout, "fence-retry-interval", fenceRetryInterval == null ? Duration.ofSeconds(1)
                            : fenceRetryInterval).entrySet()) {
                if (d.getValue().isNegative() || d.getValue().isZero()) {
                    throw new IllegalArgumentException(at + d.getKey() + " must be positive");
                }
            }
        }

        ApplicationPolicy toPolicy() {
            return new ApplicationPolicy(id, primaryRegion, standbyRegion, Set.copyOf(healthComponents),
                    Set.copyOf(alertComponents), quorum, failureThreshold, recoveryThreshold, staleAfter, mode, holdDown,
                    maxFailoversPerWindow, failoverWindow, plan, reprotectPlan, stepTimeout, stepMaxAttempts,
                    retryBackoff, Set.copyOf(parallelSteps), twoPersonRule, Set.copyOf(vantages), maxObservationSkew,
                    proposalTimeout, fenceTimeout, fenceRetryInterval, failoverDrainWithin, Set.copyOf(degradedNotATarget),
                    maxAlertWitnesses, failoverDrainMaxBacklog == null ? null : failoverDrainMaxBacklog.toBytes());
        }
    }

    public DecisionEngineProperties {
        Set<String> ids = new HashSet<>();
        for (OperatorEntry operator : operators == null ? List.<OperatorEntry>of() : operators) {
            if (operator.id() != null && !ids.add(operator.id())) {
                throw new IllegalArgumentException("mrm.decision.operators: id '" + operator.id() + "' appears twice");
            }
        }
        Set<String> seen = new HashSet<>();
        for (Application application : applications == null ? List.<Application>of() : applications) {
            if (application.id() != null && !seen.add(application.id())) {
                throw new IllegalArgumentException("mrm.decision.applications: id '" + application.id()
                        + "' appears twice");
            }
        }
    }

    /** Who may ask what; reads public-key files, so call it once at start. */
    public RequestAuthority authority() {
        List<Operator> list = new ArrayList<>();
        List<OperatorEntry> entries = operators == null ? List.of() : operators;
        for (int i = 0; i < entries.size(); i++) {
            list.add(entries.get(i).toOperator(i));
        }
        return new RequestAuthority(requestSignatures.required(), list, requestSignatures.maxAge(),
                requestSignatures.maxClockSkew());
    }

    public Map<String, ApplicationPolicy> policies() {
        Map<String, ApplicationPolicy> policies = new LinkedHashMap<>();
        applications.forEach(application -> policies.put(application.id(), application.toPolicy()));
        return policies;
    }
}
