package io.mrm.mrmctl.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.readiness.RegionReadiness;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class StatusTableTest {

    static final Instant T = Instant.parse("2026-11-25T10:00:00Z");

    static TopologyState switching() {
        return new TopologyState(
                "t-1",
                "orders",
                T,
                1,
                4,
                "eu10",
                "us10",
                Phase.SWITCHING,
                false,
                null,
                "d-4",
                List.of(
                        new StepProgress(0, StepAction.DNS_ROUTE, "us10", StepStatus.SUCCEEDED, 1, T, T, null),
                        new StepProgress(1, StepAction.DATA_PROMOTE, "us10", StepStatus.RUNNING, 2, T, null, null),
                        new StepProgress(2, StepAction.DNS_VERIFY, "us10", StepStatus.PENDING, 0, null, null, null)),
                null,
                List.of(),
                null,
                List.of(),
                List.of(
                        new RegionHealthView(
                                "eu10",
                                SeenHealth.DOWN,
                                List.of(
                                        new VantageHealth("mon-a", SeenHealth.DOWN),
                                        new VantageHealth("mon-b", SeenHealth.DOWN),
                                        new VantageHealth("mon-c", SeenHealth.STALE))),
                        new RegionHealthView(
                                "us10",
                                SeenHealth.UP,
                                List.of(
                                        new VantageHealth("mon-a", SeenHealth.UP),
                                        new VantageHealth("mon-b", SeenHealth.UP),
                                        new VantageHealth("mon-c", SeenHealth.UP)))));
    }

    static ReadinessState readiness() {
        return new ReadinessState(
                "r-1",
                "orders",
                T,
                1,
                List.of(
                        new RegionReadiness("us10", ReadinessStatus.READY, List.of()),
                        new RegionReadiness(
                                "eu10",
                                ReadinessStatus.NOT_READY,
                                List.of(new ReadinessCheck(
                                        "eu10",
                                        StepAction.DATA_PROMOTE,
                                        "replication",
                                        ReadinessStatus.NOT_READY,
                                        "down",
                                        T,
                                        5)))),
                List.of());
    }

    @Test
    void aRowPerRegionWithTheVerdictEachVantageReadinessAndTheRunningStep() {
        List<String> lines = StatusTable.render(List.of(switching()), Map.of("orders", readiness()));

        assertThat(lines).hasSize(3);
        assertThat(lines.get(0)).startsWith("APPLICATION").contains("VANTAGES", "READINESS");
        assertThat(lines.get(1))
                .startsWith("orders")
                .contains(" 4 ", "SWITCHING", "1/3 DATA_PROMOTE us10 RUNNING (attempt 2)")
                .contains("eu10", "active", "DOWN", "mon-a DOWN, mon-b DOWN, mon-c STALE", "NOT_READY (1 check)");
        assertThat(lines.get(2))
                .startsWith(" ")
                .contains("us10", "standby", "UP", "mon-a UP, mon-b UP, mon-c UP", "READY");
        // the columns line up: every row's region starts where the header's REGION does
        int column = lines.get(0).indexOf("REGION");
        assertThat(lines.get(1).indexOf("eu10 ")).isEqualTo(column);
        assertThat(lines.get(2).indexOf("us10 ")).isEqualTo(column);
    }

    @Test
    void anEngineWithoutTheHealthViewAndNoReadinessShowDashesNotGuesses() {
        TopologyState old = new TopologyState(
                "t",
                "orders",
                T,
                1,
                0,
                "eu10",
                "us10",
                Phase.STEADY,
                true,
                null,
                null,
                List.of(),
                null,
                java.util.List.of(),
                null,
                java.util.List.of(),
                java.util.List.of());

        List<String> lines = StatusTable.render(List.of(old), Map.of());

        assertThat(lines.get(1)).contains("STEADY FROZEN", "eu10", "active").doesNotContain("UP");
        assertThat(lines.get(1).split("\\s+")).contains("-");
        assertThat(StatusTable.plan(List.of())).isEqualTo("-");
        assertThat(StatusTable.plan(switching().planSteps().stream()
                        .map(s -> new StepProgress(
                                s.index(), s.action(), s.region(), StepStatus.SUCCEEDED, 1, T, T, null))
                        .toList()))
                .isEqualTo("3/3 done");
    }
}
