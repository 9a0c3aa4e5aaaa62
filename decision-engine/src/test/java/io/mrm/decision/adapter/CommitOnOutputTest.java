package io.mrm.decision.adapter;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.decision.domain.AlertCode;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.topology.Phase;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Which outputs make the engine commit at once: what operators and actuators wait for does; a view alone (a topology
 * or readiness record, e.g. a vantage point turning stale) waits for the commit interval. A transaction per view
 * change held the end-to-end benchmark to about 600 observations/s.
 */
class CommitOnOutputTest {

    static final Instant T0 = Instant.parse("2026-12-07T04:00:00Z");

    @Test
    void viewsAloneWaitForTheIntervalAndEverythingElseIsCommittedAtOnce() {
        assertThat(DecisionProcessor.awaited(EngineMetricsTest.topology(T0, Phase.STEADY, null)))
                .isFalse();
        assertThat(DecisionProcessor.awaited(
                        new ReadinessState("r-1", EngineMetricsTest.APP, T0, 1, List.of(), List.of())))
                .isFalse();
        assertThat(DecisionProcessor.awaited(EngineMetricsTest.alert(AlertCode.PLAN_PAUSED, "d-1", T0)))
                .isTrue();
    }
}
