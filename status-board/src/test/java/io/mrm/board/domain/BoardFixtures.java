package io.mrm.board.domain;

import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.StepAction;
import io.mrm.events.topology.Phase;
import io.mrm.events.topology.RegionHealthView;
import io.mrm.events.topology.SeenHealth;
import io.mrm.events.topology.StepProgress;
import io.mrm.events.topology.StepStatus;
import io.mrm.events.topology.TopologyState;
import io.mrm.events.topology.VantageHealth;
import java.time.Instant;
import java.util.List;

/** Events as the engine publishes them, for the board's tests. */
final class BoardFixtures {

    static final Instant T0 = Instant.parse("2026-12-07T10:00:00Z");

    private BoardFixtures() {}

    static TopologyState topology(String app, long ms, String active, long epoch, Phase phase, StepProgress... steps) {
        String standby = active.equals("region-a") ? "region-b" : "region-a";
        return new TopologyState(
                "t-" + app + "-" + ms,
                app,
                T0.plusMillis(ms),
                1,
                epoch,
                active,
                standby,
                phase,
                false,
                null,
                steps.length == 0 ? null : "d-1",
                List.of(steps),
                null,
                List.of(),
                null,
                List.of(),
                List.of(
                        new RegionHealthView(
                                "region-a",
                                SeenHealth.DOWN,
                                List.of(
                                        new VantageHealth("vantage-1", SeenHealth.DOWN),
                                        new VantageHealth("vantage-2", SeenHealth.DOWN),
                                        new VantageHealth("vantage-3", SeenHealth.STALE))),
                        new RegionHealthView(
                                "region-b",
                                SeenHealth.UP,
                                List.of(
                                        new VantageHealth("vantage-1", SeenHealth.UP),
                                        new VantageHealth("vantage-2", SeenHealth.UP),
                                        new VantageHealth("vantage-3", SeenHealth.UP)))));
    }

    static StepProgress step(int index, StepAction action, StepStatus status, String detail) {
        return new StepProgress(
                index, action, "region-b", status, 1, T0, status == StepStatus.RUNNING ? null : T0, detail);
    }

    static Alert alert(String app, long ms, String message) {
        return new Alert(
                "a-" + app + "-" + ms,
                app,
                T0.plusMillis(ms),
                1,
                AlertSeverity.WARNING,
                "FAILOVER_STARTED",
                message,
                null,
                null);
    }
}
