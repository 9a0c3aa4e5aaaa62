package io.mrm.mrmctl.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.FenceDuty;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.Placement;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusViewTest {

    static final Instant NOW = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void textShowsRegionsEpochPhaseFreezeHoldDownDecisionAndPlan() {
        TopologyState paused = PlanProgressTest.state("d-1", Phase.PAUSED, StepStatus.SUCCEEDED, StepStatus.FAILED);
        List<String> lines = StatusView.text(paused, NOW);
        assertThat(lines.get(0)).isEqualTo("orders: active eu10, standby us10, epoch 3, phase PAUSED");
        assertThat(lines)
                .contains(
                        "  hold-down: none",
                        "  last decision: d-1",
                        "  plan: 1 of 2 steps done",
                        "    step 2 of 2: DNS_VERIFY us10 FAILED");
    }

    @Test
    void frozenAndHoldDownAreShown() {
        TopologyState frozen = new TopologyState(
                "t",
                "orders",
                NOW,
                1,
                0,
                "eu10",
                "us10",
                Phase.STEADY,
                true,
                NOW.plusSeconds(600),
                null,
                List.of(),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of());
        List<String> lines = StatusView.text(frozen, NOW);
        assertThat(lines.get(0)).endsWith(", FROZEN");
        assertThat(lines).contains("  hold-down: until 2026-11-25T10:10:00Z", "  last decision: none");
        assertThat(StatusView.text(frozen, NOW.plusSeconds(601)))
                .contains("  hold-down: expired at 2026-11-25T10:10:00Z");
    }

    @Test
    void jsonCarriesTheSameFields() {
        TopologyState paused = PlanProgressTest.state("d-1", Phase.PAUSED, StepStatus.SUCCEEDED, StepStatus.FAILED);
        Map<String, Object> json = StatusView.json(paused);
        assertThat(json)
                .containsEntry("application", "orders")
                .containsEntry("phase", "PAUSED")
                .containsEntry("epoch", 3L)
                .containsEntry("frozen", false)
                .containsEntry("lastDecisionId", "d-1");
        assertThat(StatusView.steps(paused.planSteps()).get(1))
                .containsEntry("step", 2)
                .containsEntry("status", "FAILED");
    }

    @Test
    void aProposalOrAPausedPlanSaysWhatTheOperatorCanDoNext() {
        TopologyState proposed = PlanProgressTest.state("d-2", Phase.PROPOSED, StepStatus.PENDING, StepStatus.PENDING);
        TopologyState paused = PlanProgressTest.state("d-1", Phase.PAUSED, StepStatus.SUCCEEDED, StepStatus.FAILED);
        TopologyState steady = new TopologyState(
                "t",
                "orders",
                NOW,
                1,
                0,
                "eu10",
                "us10",
                Phase.STEADY,
                false,
                null,
                null,
                List.of(),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of());

        assertThat(StatusView.text(proposed, NOW))
                .contains("  next: waiting for approval: mrmctl approve orders d-2 "
                        + "--follow, or mrmctl reject orders d-2 --reason ...");
        assertThat(StatusView.text(paused, NOW))
                .anyMatch(l -> l.startsWith(
                        "  next: paused on a failed step: " + "mrmctl resume orders d-1, mrmctl skip orders d-1 STEP"));
        assertThat(StatusView.text(steady, NOW)).noneMatch(l -> l.startsWith("  next:"));
    }

    @Test
    void aSplitSaysWhereEachComponentIsAndTheWaysOutAndPendingFencesAreListed() {
        TopologyState diverged = new TopologyState(
                "t",
                "orders",
                NOW,
                1,
                4,
                "eu10",
                "us10",
                Phase.DIVERGED,
                false,
                null,
                "d-3",
                List.of(),
                new Placement("eu10", "us10", null),
                List.of(new FenceDuty(StepAction.DATA_FENCE, "eu10", "d-2")),
                null,
                java.util.List.of(),
                java.util.List.of());

        List<String> lines = StatusView.text(diverged, NOW);

        assertThat(lines).contains("  components: DNS in eu10, data in us10, events unknown");
        assertThat(lines).anyMatch(l -> l.startsWith("  fence pending: DATA_FENCE eu10 (left unfenced by d-2"));
        assertThat(lines).anyMatch(l -> l.startsWith("  next: the components are split: mrmctl resume orders d-3"));
        Map<String, Object> json = StatusView.json(diverged);
        assertThat(json).containsKey("placement").containsKey("fenceDuties");
    }
}
