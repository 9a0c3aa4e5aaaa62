package io.mrm.mrmctl.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class PlanProgressTest {

    static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    static TopologyState state(String decisionId, Phase phase, StepStatus first, StepStatus second) {
        return new TopologyState(
                "t-" + phase + first + second,
                "orders",
                T,
                1,
                3,
                "eu10",
                "us10",
                phase,
                false,
                null,
                decisionId,
                List.of(
                        new StepProgress(0, StepAction.DNS_ROUTE, "us10", first, 1, T, null, null),
                        new StepProgress(1, StepAction.DNS_VERIFY, "us10", second, 0, null, null, null)),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of());
    }

    @Test
    void eachStepChangeIsReportedOnceAndTheEndIsSeen() {
        PlanProgress progress = new PlanProgress("d-1");

        assertThat(progress.update(state("d-1", Phase.SWITCHING, StepStatus.RUNNING, StepStatus.PENDING)))
                .containsExactly("step 1 of 2: DNS_ROUTE us10 RUNNING", "step 2 of 2: DNS_VERIFY us10 PENDING");
        assertThat(progress.update(state("d-1", Phase.SWITCHING, StepStatus.RUNNING, StepStatus.PENDING)))
                .isEmpty();
        assertThat(progress.finished()).isFalse();

        assertThat(progress.update(state("d-1", Phase.STEADY, StepStatus.SUCCEEDED, StepStatus.SUCCEEDED)))
                .containsExactly("step 1 of 2: DNS_ROUTE us10 SUCCEEDED", "step 2 of 2: DNS_VERIFY us10 SUCCEEDED");
        assertThat(progress.finished()).isTrue();
    }

    @Test
    void aPausedPlanIsFinishedForTheFollower() {
        PlanProgress progress = new PlanProgress("d-1");
        progress.update(state("d-1", Phase.PAUSED, StepStatus.FAILED, StepStatus.PENDING));
        assertThat(progress.finished()).isTrue();
        assertThat(progress.latest().phase()).isEqualTo(Phase.PAUSED);
    }

    @Test
    void statesOfAnotherDecisionAreIgnored() {
        PlanProgress progress = new PlanProgress("d-2");
        assertThat(progress.update(state("d-1", Phase.STEADY, StepStatus.SUCCEEDED, StepStatus.SUCCEEDED)))
                .isEmpty();
        assertThat(progress.finished()).isFalse();
        assertThat(progress.latest()).isNull();
    }
}
