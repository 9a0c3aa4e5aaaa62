package io.mrm.decision.policy;

import io.mrm.decision.domain.ApplicationPolicy;
import io.mrm.decision.domain.DecisionMode;
import io.mrm.decision.domain.Operator;
import io.mrm.decision.domain.OperatorRole;
import io.mrm.decision.domain.ReadinessPolicy;
import io.mrm.decision.domain.RequestAuthority;
import io.mrm.decision.domain.StepSpec;
import io.mrm.events.journal.PolicyRecord;
import io.mrm.events.journal.RecordedAuthority;
import io.mrm.events.journal.RecordedOperator;
import io.mrm.events.journal.RecordedPolicy;
import io.mrm.events.journal.RecordedStep;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Between the domain's policy types and the journal's {@link PolicyRecord}: what the engine writes
 * and what a replay reads back. A round trip gives equal objects, so a replay runs the very policy
 * the engine ran.
 */
public final class PolicyRecords {

    private PolicyRecords() {}

    /** The record of one application's policy under an authority, with its fingerprint. */
    public static PolicyRecord of(String id, Instant time, ApplicationPolicy policy, RequestAuthority authority) {
        RecordedPolicy recordedPolicy = record(policy);
        RecordedAuthority recordedAuthority = record(authority);
        return new PolicyRecord(
                id,
                policy.applicationId(),
                time,
                PolicyRecord.SCHEMA_VERSION,
                recordedPolicy,
                recordedAuthority,
                PolicyRecord.fingerprintOf(recordedPolicy, recordedAuthority));
    }

    /** The fingerprint the engine records for this policy and authority. */
    public static String fingerprint(ApplicationPolicy policy, RequestAuthority authority) {
        return PolicyRecord.fingerprintOf(record(policy), record(authority));
    }

    public static RecordedPolicy record(ApplicationPolicy p) {
        return new RecordedPolicy(
                p.primaryRegion(),
                p.standbyRegion(),
                sorted(p.healthComponents()),
                sorted(p.alertComponents()),
                p.quorum(),
                p.failureThreshold(),
                p.recoveryThreshold(),
                p.staleAfter().toMillis(),
                RecordedPolicy.Mode.valueOf(p.mode().name()),
                p.holdDown().toMillis(),
                p.maxFailoversPerWindow(),
                p.failoverWindow().toMillis(),
                p.plan(),
                p.reprotectPlan(),
                p.stepTimeout().toMillis(),
                p.stepMaxAttempts(),
                p.retryBackoff().toMillis(),
                p.parallelSteps().stream().sorted().toList(),
                p.twoPersonRule(),
                sorted(p.vantages()),
                p.maxObservationSkew().toMillis(),
                p.proposalTimeout().toMillis(),
                p.fenceTimeout().toMillis(),
                p.fenceRetryInterval().toMillis(),
                p.failoverDrainWithin().toMillis(),
                sorted(p.degradedNotATarget()),
                p.maxAlertWitnesses(),
                p.failoverDrainMaxBacklogBytes(),
                p.readiness().required(),
                p.readiness().maxAge().toMillis(),
                p.readiness().unknownBlocks(),
                // recorded only where they say more than plan and parallel-steps: a policy without steps of its
                // own keeps the record (and fingerprint) it had before steps existed
                p.plan().stream().noneMatch(io.mrm.events.decision.StepAction::runsHook)
                                && p.steps().equals(StepSpec.of(p.plan(), p.parallelSteps()))
                        ? null
                        : steps(p.steps()),
                p.forcedSteps() == null ? null : steps(p.forcedSteps()));
    }

    private static List<RecordedStep> steps(List<StepSpec> steps) {
        return steps.stream()
                .map(s -> new RecordedStep(
                        s.action(),
                        s.hook(),
                        s.timeout() == null ? null : s.timeout().toMillis(),
                        s.maxAttempts(),
                        s.parallel()))
                .toList();
    }

    private static List<StepSpec> specs(List<RecordedStep> steps) {
        return steps == null
                ? null
                : steps.stream()
                        .map(s -> new StepSpec(
                                s.action(),
                                s.hook(),
                                millis(s.timeoutMs()),
                                s.maxAttempts(),
                                Boolean.TRUE.equals(s.parallel())))
                        .toList();
    }

    public static RecordedAuthority record(RequestAuthority a) {
        List<RecordedOperator> operators = a.operators().stream()
                .sorted(Comparator.comparing(Operator::id))
                .map(o -> new RecordedOperator(
                        o.id(),
                        o.roles().stream()
                                .sorted()
                                .map(r -> RecordedOperator.Role.valueOf(r.name()))
                                .toList(),
                        o.publicKey()))
                .toList();
        return new RecordedAuthority(
                a.signaturesRequired(), a.maxAge().toMillis(), a.maxClockSkew().toMillis(), operators, a.clusterId());
    }

    /** The domain policy a record describes. */
    public static ApplicationPolicy policy(PolicyRecord record) {
        RecordedPolicy p = record.policy();
        return new ApplicationPolicy(
                record.applicationId(),
                p.primaryRegion(),
                p.standbyRegion(),
                Set.copyOf(p.healthComponents()),
                Set.copyOf(p.alertComponents()),
                p.quorum(),
                p.failureThreshold(),
                p.recoveryThreshold(),
                Duration.ofMillis(p.staleAfterMs()),
                DecisionMode.valueOf(p.mode().name()),
                Duration.ofMillis(p.holdDownMs()),
                p.maxFailoversPerWindow(),
                Duration.ofMillis(p.failoverWindowMs()),
                p.plan(),
                p.reprotectPlan(),
                Duration.ofMillis(p.stepTimeoutMs()),
                p.stepMaxAttempts(),
                Duration.ofMillis(p.retryBackoffMs()),
                p.parallelSteps().isEmpty() ? Set.of() : EnumSet.copyOf(p.parallelSteps()),
                p.twoPersonRule(),
                Set.copyOf(p.vantages()),
                millis(p.maxObservationSkewMs()),
                millis(p.proposalTimeoutMs()),
                millis(p.fenceTimeoutMs()),
                millis(p.fenceRetryIntervalMs()),
                millis(p.failoverDrainWithinMs()),
                Set.copyOf(p.degradedNotATarget()),
                p.maxAlertWitnesses() == null ? ApplicationPolicy.DEFAULT_MAX_ALERT_WITNESSES : p.maxAlertWitnesses(),
                p.failoverDrainMaxBacklogBytes(),
                new ReadinessPolicy(
                        p.readinessRequired() == null ? ReadinessPolicy.DEFAULTS.required() : p.readinessRequired(),
                        p.readinessMaxAgeMs() == null
                                ? ReadinessPolicy.DEFAULT_MAX_AGE
                                : Duration.ofMillis(p.readinessMaxAgeMs()),
                        p.readinessUnknownBlocks() == null
                                ? ReadinessPolicy.DEFAULTS.unknownBlocks()
                                : p.readinessUnknownBlocks()),
                specs(p.steps()),
                specs(p.forcedSteps()));
    }

    /** The request authority a record describes. */
    public static RequestAuthority authority(PolicyRecord record) {
        RecordedAuthority a = record.authority();
        List<Operator> operators = a.operators().stream()
                .map(o -> new Operator(o.id(), roles(o.roles()), o.publicKey()))
                .toList();
        return new RequestAuthority(
                a.signaturesRequired(),
                operators,
                Duration.ofMillis(a.maxAgeMs()),
                Duration.ofMillis(a.maxClockSkewMs()),
                a.clusterId());
    }

    private static Set<OperatorRole> roles(List<RecordedOperator.Role> roles) {
        Set<OperatorRole> set = new HashSet<>();
        roles.forEach(r -> set.add(OperatorRole.valueOf(r.name())));
        return set;
    }

    /** Absent in records written before the setting existed: null, which the policy reads as its default. */
    private static Duration millis(Long ms) {
        return ms == null ? null : Duration.ofMillis(ms);
    }

    private static List<String> sorted(Set<String> values) {
        return values.stream().sorted().toList();
    }
}
