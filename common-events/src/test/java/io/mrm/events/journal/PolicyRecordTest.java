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

        assertThat(sample.fingerprint()).as("the sample's fingerprint")
                .isEqualTo(PolicyRecord.fingerprintOf(sample.policy(), sample.authority()));
        assertThat(sample.fingerprintMatches()).isTrue();
        assertThat(sample.fingerprint()).hasSize(64).matches("[0-9a-f]{64}");
    }

    @Test
    void anyChangeToThePolicyChangesTheFingerprint() throws Exception {
        PolicyRecord sample = sample();
        RecordedPolicy p = sample.policy();
        RecordedPolicy stricter = new RecordedPolicy(p.primaryRegion(), p.standbyRegion(), p.healthComponents(),
                p.alertComponents(), p.quorum(), p.failureThreshold() + 1, p.recoveryThreshold(), p.staleAfterMs(),
                p.mode(), p.holdDownMs(), p.maxFailoversPerWindow(), p.failoverWindowMs(), p.plan(), p.reprotectPlan(),
                p.stepTimeoutMs(), p.stepMaxAttempts(), p.retryBackoffMs(), p.parallelSteps(), p.twoPersonRule(),
                p.vantages(), p.maxObservationSkewMs(), p.proposalTimeoutMs(), p.fenceTimeoutMs(),
                p.fenceRetryIntervalMs(), p.failoverDrainWithinMs(),
                p.degradedNotATarget(), p.maxAlertWitnesses());
        RecordedAuthority noOperators = new RecordedAuthority(true, 300_000, 30_000, List.of());

        assertThat(PolicyRecord.fingerprintOf(stricter, sample.authority())).isNotEqualTo(sample.fingerprint());
        assertThat(PolicyRecord.fingerprintOf(p, noOperators)).isNotEqualTo(sample.fingerprint());
        assertThat(new PolicyRecord(sample.id(), sample.applicationId(), sample.time(), 1, stricter,
                sample.authority(), sample.fingerprint()).fingerprintMatches()).isFalse();
    }

    private static PolicyRecord sample() throws Exception {
        try (InputStream in = PolicyRecordTest.class.getResourceAsStream("/samples/journal.policy.v1.json")) {
            return EventJson.read(in.readAllBytes(), PolicyRecord.class);
        }
    }
}
