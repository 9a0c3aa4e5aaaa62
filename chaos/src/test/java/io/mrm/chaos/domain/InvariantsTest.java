package io.mrm.chaos.domain;

import static io.mrm.chaos.domain.Histories.A;
import static io.mrm.chaos.domain.Histories.B;
import static io.mrm.chaos.domain.Histories.T0;
import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.ack.AckOutcome;
import io.mrm.events.observation.HealthStatus;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepStatus;
import java.time.Duration;
import java.util.Set;
import org.junit.jupiter.api.Test;

class InvariantsTest {

    private final Invariants invariants = new Invariants(A, 2, Duration.ofSeconds(30), Duration.ofHours(1));

    @Test
    void aCleanFailoverBreaksNoInvariant() {
        assertThat(invariants.check(Histories.cleanFailover().history())).isEmpty();
    }

    @Test
    void aPlanLeftSwitchingHasNotCompleted() {
        Histories h = Histories.cleanFailover();
        h.topology.set(0, Histories.topology(Phase.SWITCHING, A, 2, StepStatus.RUNNING, 1));

        assertThat(new PlanRunsExactlyOnce().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("did not complete"));
    }

    @Test
    void aStepWithoutSuccessNorSkipIsReportedSkipped() {
        Histories h = Histories.cleanFailover();
        h.acks.set(1, Histories.ack("ack-1", "cmd-1", 1, 2, AckOutcome.FAILED_FATAL, 2L, false));

        assertThat(new PlanRunsExactlyOnce().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("step 1 (DNS_VERIFY)"));
    }

    @Test
    void aStepRecordedAsSkippedNeedsNoAcknowledgement() {
        Histories h = Histories.cleanFailover();
        h.acks.remove(1);
        h.commands.remove(1);
        h.topology.set(0, Histories.topology(Phase.STEADY, B, 2, StepStatus.SKIPPED, 0));

        assertThat(new PlanRunsExactlyOnce().check(h.history())).isEmpty();
    }

    @Test
    void oneAttemptIssuedAsTwoCommandsIsAStepRunTwice() {
        Histories h = Histories.cleanFailover();
        h.commands.add(Histories.command("cmd-0-again", 0, 1, 2));
        h.acks.add(Histories.ack("ack-0-again", "cmd-0-again", 0, 2, AckOutcome.SUCCEEDED, 2L, false));

        assertThat(new PlanRunsExactlyOnce().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("issued as 2 commands"));
    }

    @Test
    void twoAcknowledgementsThatBothChangedTheTargetAreAStepTakingEffectTwice() {
        Histories h = Histories.cleanFailover();
        h.commands.add(Histories.command("cmd-0-retry", 0, 2, 2));
        h.acks.add(Histories.ack("ack-0-retry", "cmd-0-retry", 0, 2, AckOutcome.SUCCEEDED, 2L, true));

        assertThat(new PlanRunsExactlyOnce().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("changed its target 2 times"));
    }

    @Test
    void anActuatorEpochGoingDownIsReported() {
        Histories h = Histories.cleanFailover();
        h.acks.set(1, Histories.ack("ack-1", "cmd-1", 1, 2, AckOutcome.SUCCEEDED, 1L, false));

        assertThat(new EpochsOnlyGrow().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("went down from 2 to 1"));
    }

    @Test
    void aStaleCommandCarriedOutIsReported() {
        Histories h = Histories.cleanFailover();
        h.acks.add(Histories.ack("ack-zombie", "cmd-1", 1, 1, AckOutcome.SUCCEEDED, null, false));

        assertThat(new EpochsOnlyGrow().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("of epoch 1 after it held epoch 2"));
    }

    @Test
    void dnsLeftOnTheOldRegionIsReported() {
        Histories h = Histories.cleanFailover();
        h.atRest = new BackendState(A, Set.of(B), Set.of(B));

        assertThat(new DnsFollowsLastDecision(A).check(h.history()))
                .singleElement()
                .satisfies(v ->
                        assertThat(v.detail()).isEqualTo("DNS points at region-a, the last decision chose region-b"));
    }

    @Test
    void withoutAnyDecisionDnsMustStayOnThePrimary() {
        Histories h = new Histories();
        h.atRest = new BackendState(B, Set.of(A), Set.of(A));

        assertThat(new DnsFollowsLastDecision(A).check(h.history())).hasSize(1);
    }

    @Test
    void twoWritableDatabasesAndTwoActiveVpnsAreSplitBrain() {
        Histories h = Histories.cleanFailover();
        h.atRest = new BackendState(B, Set.of(A, B), Set.of(A, B));

        assertThat(new OneActiveAtRest().check(h.history())).hasSize(2);
    }

    @Test
    void aCommandNeverAcknowledgedIsLost() {
        Histories h = Histories.cleanFailover();
        h.acks.remove(1);
        h.topology.set(0, Histories.topology(Phase.STEADY, B, 2, StepStatus.SKIPPED, 0));

        assertThat(new NoCommandLost().check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("cmd-1").contains("never acknowledged"));
    }

    @Test
    void anAttemptTheEngineRecordedButNoTopicHoldsIsLost() {
        Histories h = Histories.cleanFailover();
        h.topology.set(0, Histories.topology(Phase.STEADY, B, 2, StepStatus.SUCCEEDED, 2));

        assertThat(new NoCommandLost().check(h.history()))
                .extracting(Violation::detail)
                .containsExactlyInAnyOrder(
                        "the engine recorded step 0 attempt 2 of decision-1 but no such command is on the topics",
                        "the engine recorded step 1 attempt 2 of decision-1 but no such command is on the topics");
    }

    @Test
    void failingOverWhileAQuorumSeesTheRegionUpIsAFalseFailover() {
        Histories h = Histories.cleanFailover();
        h.observations.add(Histories.observation("v1", A, HealthStatus.UP, T0.minusMillis(500)));
        h.observations.add(Histories.observation("v2", A, HealthStatus.UP, T0.minusMillis(400)));

        assertThat(new NoFalseFailover(2, Duration.ofSeconds(30)).check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("[v1, v2]"));
    }

    @Test
    void upReportsThatAreStaleOrAfterTheDecisionDoNotCount() {
        Histories h = Histories.cleanFailover();
        h.observations.clear();
        h.observations.add(Histories.observation("v1", A, HealthStatus.UP, T0.minusSeconds(31)));
        h.observations.add(Histories.observation("v2", A, HealthStatus.UP, T0.minusSeconds(40)));
        h.observations.add(Histories.observation("v3", A, HealthStatus.UP, T0.plusSeconds(1)));
        h.observations.add(Histories.observation("v1", A, HealthStatus.DOWN, T0.minusSeconds(1)));

        assertThat(new NoFalseFailover(2, Duration.ofSeconds(30)).check(h.history()))
                .isEmpty();
    }

    @Test
    void aSecondAutomaticFailoverWithinTheHoldDownIsAPingPong() {
        Histories h = Histories.cleanFailover();
        h.decisions.add(Histories.decision("decision-2", 3, T0.plus(Duration.ofMinutes(59))));

        assertThat(new OneFailoverPerHoldDown(Duration.ofHours(1)).check(h.history()))
                .singleElement()
                .satisfies(v -> assertThat(v.detail()).contains("decision-2", "after decision-1"));
    }

    @Test
    void aSecondAutomaticFailoverAfterTheHoldDownIsAllowed() {
        Histories h = Histories.cleanFailover();
        h.decisions.add(Histories.decision("decision-2", 3, T0.plus(Duration.ofMinutes(61))));

        assertThat(new OneFailoverPerHoldDown(Duration.ofHours(1)).check(h.history()))
                .isEmpty();
    }

    @Test
    void everyInvariantIsChecked() {
        assertThat(invariants.all()).extracting(Invariant::name).hasSize(9).doesNotHaveDuplicates();
    }
}
