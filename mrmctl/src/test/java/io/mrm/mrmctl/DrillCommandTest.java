package io.mrm.mrmctl;

import static org.assertj.core.api.Assertions.assertThat;

import io.mrm.events.MrmEvent;
import io.mrm.events.ack.AckOutcome;
import io.mrm.events.ack.Acks;
import io.mrm.events.command.DnsRouteCommand;
import io.mrm.events.command.StepRef;
import io.mrm.events.decision.Alert;
import io.mrm.events.decision.AlertSeverity;
import io.mrm.events.decision.DecisionKind;
import io.mrm.events.decision.DecisionStatus;
import io.mrm.events.decision.FailoverDecision;
import io.mrm.events.decision.PlanStep;
import io.mrm.events.decision.StepAction;
import io.mrm.events.operator.FailoverMode;
import io.mrm.mrmctl.domain.DrillProgress;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** mrmctl drill: its options, and how a followed drill's progress reads. */
class DrillCommandTest {

    static final Instant T0 = Instant.parse("2026-11-25T10:00:00Z");

    @Test
    void helpNamesTheOptions() {
        MrmctlRun run = MrmctlRun.of("help", "drill");
        assertThat(run.exitCode()).as(run.toString()).isZero();
        assertThat(run.out()).contains("--to=REGION", "--mode=MODE", "graceful, forced", "--reason", "--follow");
    }

    @Test
    void anUnknownModeIsRefusedListingTheKnownOnes() {
        MrmctlRun run = MrmctlParsingTest.run("drill", "orders", "--mode", "sideways", "--reason", "x");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("--mode").contains("graceful").contains("forced");
    }

    @Test
    void aMissingReasonIsRefused() {
        MrmctlRun run = MrmctlParsingTest.run("drill", "orders");
        assertThat(run.exitCode()).as(run.toString()).isEqualTo(1);
        assertThat(run.err()).contains("Missing required option: '--reason");
    }

    @Test
    void aFollowedDrillPrintsEachAnsweredStepOnceAndItsEnd() {
        FailoverDecision drill = new FailoverDecision(
                "d-1",
                "orders",
                T0,
                1,
                3,
                DecisionKind.DRILL,
                FailoverMode.GRACEFUL,
                DecisionStatus.EXECUTING,
                "eu10",
                "us10",
                "quarterly drill",
                "alice",
                "r-1",
                List.of(),
                List.of(),
                List.of(
                        new PlanStep(0, StepAction.DNS_ROUTE, "us10", null, 60_000, 3, false),
                        new PlanStep(1, StepAction.DNS_VERIFY, "us10", null, 60_000, 3, false)));
        DnsRouteCommand route = new DnsRouteCommand(
                "c-1", "orders", T0, 1, new StepRef("d-1", 3, 0, 1, T0.plusSeconds(60), true), "us10");
        DrillProgress progress = new DrillProgress("d-1");

        assertThat(progress.update(drill)).isEmpty();
        List<String> step = progress.update(Acks.of(
                route,
                AckOutcome.SUCCEEDED,
                null,
                "would route orders from eu10 to us10; TTL 60 s",
                1_250,
                Map.of(),
                T0));
        assertThat(step)
                .containsExactly(
                        "step 1 of 2: DNS_ROUTE us10 SUCCEEDED in 1.3 s: would route orders from eu10 to us10; "
                                + "TTL 60 s");
        MrmEvent real = Acks.of(
                new DnsRouteCommand("c-9", "orders", T0, 1, new StepRef("d-1", 3, 0, 1, T0.plusSeconds(60)), "us10"),
                AckOutcome.SUCCEEDED,
                null,
                "routed",
                5,
                Map.of(),
                T0);
        assertThat(progress.update(real)).as("only rehearsals are the drill's").isEmpty();
        assertThat(progress.finished()).isFalse();

        List<String> end = progress.update(new Alert(
                "a-1",
                "orders",
                T0,
                1,
                AlertSeverity.WARNING,
                "DRILL_FAILED",
                "drill d-1 found 1 failing step(s); predicted RTO 2 s",
                null,
                "d-1"));
        assertThat(end).containsExactly("FAILED: drill d-1 found 1 failing step(s); predicted RTO 2 s");
        assertThat(progress.finished()).isTrue();
        assertThat(progress.end()).isEqualTo(DrillProgress.End.FAILED);
        assertThat(progress.steps()).hasSize(1);
    }
}
