package io.mrm.mrmctl.domain;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.decision.Actuator;
import io.mrm.events.decision.StepAction;
import io.mrm.events.readiness.ReadinessCheck;
import io.mrm.events.readiness.ReadinessState;
import io.mrm.events.readiness.ReadinessStatus;
import io.mrm.events.readiness.RegionReadiness;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;

class ReadinessViewTest {

    static final Instant T0 = Instant.parse("2026-12-06T19:00:00Z");

    static ReadinessState state() {
        return new ReadinessState(
                "11111111-1111-1111-1111-111111111111",
                "orders",
                T0,
                ReadinessState.SCHEMA_VERSION,
                List.of(
                        new RegionReadiness(
                                "eu10",
                                ReadinessStatus.READY,
                                List.of(new ReadinessCheck(
                                        "eu10",
                                        StepAction.DNS_ROUTE,
                                        "hosted-zone",
                                        ReadinessStatus.READY,
                                        "ok",
                                        T0,
                                        3))),
                        new RegionReadiness(
                                "us10",
                                ReadinessStatus.NOT_READY,
                                List.of(
                                        new ReadinessCheck(
                                                "us10",
                                                StepAction.DATA_DRAIN,
                                                "subscription-state",
                                                ReadinessStatus.NOT_READY,
                                                "subscription stopped",
                                                T0,
                                                5),
                                        new ReadinessCheck(
                                                "us10",
                                                StepAction.DNS_ROUTE,
                                                "hosted-zone",
                                                ReadinessStatus.NOT_READY,
                                                "AccessDenied",
                                                T0,
                                                4)))),
                List.of(Actuator.AEM));
    }

    @Test
    void theSummaryPutsTheStandbyFirstAndCountsOnlyChecksOnTheRegionItself() {
        assertThat(ReadinessView.summary(state(), "us10")).isEqualTo("readiness: us10 NOT_READY (1 check), eu10 READY");
    }

    @Test
    void theTableMarksStepsOnTheRegionLeftAndShowsAgesAndMissingActuators() {
        List<String> lines = ReadinessView.text(state(), T0.plusSeconds(200));
        assertThat(lines).anyMatch(l -> l.contains("no report from [AEM]"));
        assertThat(lines)
                .anyMatch(
                        l -> l.matches(
                                "\\s+DATA_DRAIN \\(source\\)\\s+subscription-state\\s+NOT_READY\\s+3m\\s+subscription stopped"));
        assertThat(lines).anyMatch(l -> l.matches("\\s+DNS_ROUTE\\s+hosted-zone\\s+NOT_READY\\s+3m\\s+AccessDenied"));
    }
}
