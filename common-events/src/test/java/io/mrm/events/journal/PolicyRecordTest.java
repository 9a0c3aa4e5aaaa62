package io.mrm.events.journal;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.codec.EventJson;
import java.io.InputStream;
import java.util.List;
import org.junit.jupiter.api.Test;

class PolicyRecordTest {

    @Test
    void theSamplesFingerprintIsTheOneOfItsPolicyAndAuthority() throws Exception {
        PolicyRecord sample = sample();

        assertThat(sample.fingerprint())
                .as("the sample's fingerprint")
                .isEqualTo(PolicyRecord.fingerprintOf(sample.policy(), sample.authority()));
        assertThat(sample.fingerprintMatches()).isTrue();
        assertThat(sample.fingerprint()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void anyChangeToThePolicyChangesTheFingerprint() throws Exception {
        PolicyRecord sample = sample();
        RecordedPolicy p = sample.policy();
        RecordedPolicy stricter = new RecordedPolicy(
                p.primaryRegion(),
                p.standbyRegion(),
                p.healthComponents(),
                p.alertComponents(),
                p.quorum(),
                p.failureThreshold() + 1,
                p.recoveryThreshold(),
                p.staleAfterMs(),
                p.mode(),
                p.holdDownMs(),
                p.maxFailoversPerWindow(),
                p.failoverWindowMs(),
                p.plan(),
                p.reprotectPlan(),
                p.stepTimeoutMs(),
                p.stepMaxAttempts(),
                p.retryBackoffMs(),
                p.parallelSteps(),
                p.twoPersonRule(),
                p.vantages(),
                p.maxObservationSkewMs(),
                p.proposalTimeoutMs(),
                p.fenceTimeoutMs(),
                p.fenceRetryIntervalMs(),
                p.failoverDrainWithinMs(),
                p.degradedNotATarget(),
                p.maxAlertWitnesses(),
                p.failoverDrainMaxBacklogBytes(),
                null,
                null,
                null,
                null,
                null);
        RecordedAuthority noOperators = new RecordedAuthority(true, 300_000, 30_000, List.of());

        assertThat(PolicyRecord.fingerprintOf(stricter, sample.authority())).isNotEqualTo(sample.fingerprint());
        assertThat(PolicyRecord.fingerprintOf(p, noOperators)).isNotEqualTo(sample.fingerprint());
        assertThat(new PolicyRecord(
                                sample.id(),
                                sample.applicationId(),
                                sample.time(),
                                1,
                                stricter,
                                sample.authority(),
                                sample.fingerprint())
                        .fingerprintMatches())
                .isFalse();
    }

    @Test
    void theClusterIsPartOfTheFingerprintAndARecordWrittenBeforeClusterIdsKeepsItsOwn() throws Exception {
        PolicyRecord sample = sample();
        RecordedAuthority a = sample.authority();
        RecordedAuthority elsewhere = new RecordedAuthority(
                a.signaturesRequired(), a.maxAgeMs(), a.maxClockSkewMs(), a.operators(), "q1Sh-9_ZSmKdPZ8lrfyh6w");
        // the sample as engines wrote it before they recorded a cluster id, under the key it had then
        RecordedAuthority before = new RecordedAuthority(
                a.signaturesRequired(),
                a.maxAgeMs(),
                a.maxClockSkewMs(),
                a.operators().stream()
                        .map(o -> new RecordedOperator(
                                o.id(), o.roles(), "MCowBQYDK2VwAyEAcri0doenCaFZnRT4sTXx8mkAz92IAdFujW/nol868Tk="))
                        .toList());

        assertThat(PolicyRecord.fingerprintOf(sample.policy(), elsewhere)).isNotEqualTo(sample.fingerprint());
        assertThat(PolicyRecord.fingerprintOf(withoutBacklogBound(sample.policy()), before))
                .isEqualTo("9b46429eef970ea283e9e08db25f3165e8c231c4e5e5ee3fd6d3756e64e8989c");
    }

    @Test
    void aPolicyRecordedBeforeTheBacklogBoundKeepsItsFingerprintAndMeansNoBound() throws Exception {
        PolicyRecord sample = sample();
        RecordedPolicy before = withoutBacklogBound(sample.policy());
        String json = new String(EventJson.write(before), java.nio.charset.StandardCharsets.UTF_8);

        assertThat(json).doesNotContain("failoverDrainMaxBacklogBytes");
        assertThat(EventJson.read(EventJson.write(before), RecordedPolicy.class).failoverDrainMaxBacklogBytes())
                .isNull();
        // the sample's fingerprint before the setting existed
        assertThat(PolicyRecord.fingerprintOf(before, sample.authority()))
                .isEqualTo("b506ed8903c20c3d4879fd133b784252d6556e95855b81b8ed12b67fe40f80c3");
    }

    /** The sample's policy as engines recorded it before failover-drain-max-backlog existed. */
    private static RecordedPolicy withoutBacklogBound(RecordedPolicy p) {
        return new RecordedPolicy(
                p.primaryRegion(),
                p.standbyRegion(),
                p.healthComponents(),
                p.alertComponents(),
                p.quorum(),
                p.failureThreshold(),
                p.recoveryThreshold(),
                p.staleAfterMs(),
                p.mode(),
                p.holdDownMs(),
                p.maxFailoversPerWindow(),
                p.failoverWindowMs(),
                // the sample's plan then (it has steps of its own now)
                List.of(
                        io.mrm.events.decision.StepAction.EVENTS_SET_STANDBY,
                        io.mrm.events.decision.StepAction.DATA_DRAIN,
                        io.mrm.events.decision.StepAction.DATA_PROMOTE,
                        io.mrm.events.decision.StepAction.EVENTS_SET_ACTIVE,
                        io.mrm.events.decision.StepAction.DNS_ROUTE,
                        io.mrm.events.decision.StepAction.DNS_VERIFY),
                p.reprotectPlan(),
                p.stepTimeoutMs(),
                p.stepMaxAttempts(),
                p.retryBackoffMs(),
                p.parallelSteps(),
                p.twoPersonRule(),
                p.vantages(),
                p.maxObservationSkewMs(),
                p.proposalTimeoutMs(),
                p.fenceTimeoutMs(),
                p.fenceRetryIntervalMs(),
                p.failoverDrainWithinMs(),
                p.degradedNotATarget(),
                p.maxAlertWitnesses(),
                null,
                null,
                null,
                null,
                null,
                null);
    }

    private static PolicyRecord sample() throws Exception {
        try (InputStream in = PolicyRecordTest.class.getResourceAsStream("/samples/journal.policy.v1.json")) {
            return EventJson.read(in.readAllBytes(), PolicyRecord.class);
        }
    }
}
